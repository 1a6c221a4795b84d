/* The validator benchmark's floor: a bare libpcap pcap_next_ex loop that
 * touches every record (and, like libpcap 1.10, cuts ryll's oversized
 * records to the snaplen). Usage: pcap_loop FILE */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    pcap_t *p = pcap_open_offline(argv[1], errbuf);
    if (p == NULL) {
        fprintf(stderr, "%s: %s\n", argv[1], errbuf);
        return 2;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long long records = 0, bytes = 0, sum = 0;
    while (pcap_next_ex(p, &h, &data) == 1) {
        records++;
        bytes += h->caplen;
        sum += data[h->caplen ? h->caplen - 1 : 0]; /* touch the record */
    }
    pcap_close(p);
    printf("%llu records, %llu bytes (%llu)\n", records, bytes, sum & 1);
    return 0;
}
