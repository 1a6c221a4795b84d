#include "report_type.h"

#include <string.h>

static const struct {
    const char *option, *variant;
    report_kind kind;
} types[] = {
    {"auto-snapshot", "AutoSnapshot", REPORT_AUTO_SNAPSHOT}, {"display", "Display", REPORT_DISPLAY},
    {"input", "Input", REPORT_INPUT},                        {"cursor", "Cursor", REPORT_CURSOR},
    {"connection", "Connection", REPORT_CONNECTION},         {"usb", "Usb", REPORT_USB},
    {"disconnect", "Disconnect", REPORT_DISCONNECT},         {"pedantic", "Pedantic", REPORT_PEDANTIC},
    {"notification", "Notification", REPORT_NOTIFICATION},
};

/* The channels a ChannelEvent::Disconnected can name (DisconnectCause's per_channel keys). */
static const char *const disconnect_channels[] = {"main", "display", "inputs", "cursor", "playback", "usbredir",
                                                  "webdav"};

bool report_type_parse(const char *text, report_type *out)
{
    const char *colon = strchr(text, ':');
    size_t name_len = colon ? (size_t)(colon - text) : strlen(text);
    const char *arg = colon ? colon + 1 : NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strlen(types[i].option) != name_len || strncmp(text, types[i].option, name_len) != 0)
            continue;
        *out = (report_type){.kind = types[i].kind, .variant = types[i].variant};
        switch (out->kind) {
        case REPORT_DISCONNECT:
            out->detail = arg ? arg : REPORT_DEFAULT_DISCONNECT;
            for (size_t c = 0; c < sizeof disconnect_channels / sizeof disconnect_channels[0]; c++)
                if (strcmp(out->detail, disconnect_channels[c]) == 0)
                    return true;
            return false;
        case REPORT_PEDANTIC:
            out->detail = arg && *arg ? arg : REPORT_DEFAULT_GAP_KEY;
            return true;
        case REPORT_NOTIFICATION:
            out->post_event = arg && strcmp(arg, "postevent") == 0;
            return arg == NULL || out->post_event || strcmp(arg, "atfire") == 0;
        default:
            return arg == NULL;
        }
    }
    return false;
}

const char *report_type_channel(const report_type *t)
{
    static const char *const pedantic[] = {"display", "cursor", "inputs", "main", "usbredir"};
    switch (t->kind) {
    case REPORT_AUTO_SNAPSHOT:
        return "all";
    case REPORT_DISPLAY:
        return "display";
    case REPORT_INPUT:
        return "inputs";
    case REPORT_CURSOR:
        return "cursor";
    case REPORT_CONNECTION:
    case REPORT_NOTIFICATION:
        return "main";
    case REPORT_USB:
        return "usbredir";
    case REPORT_DISCONNECT:
        return t->detail;
    case REPORT_PEDANTIC: {
        size_t len = strcspn(t->detail, ":");
        for (size_t i = 0; i < sizeof pedantic / sizeof pedantic[0]; i++)
            if (strlen(pedantic[i]) == len && strncmp(t->detail, pedantic[i], len) == 0)
                return pedantic[i];
        return "display";
    }
    }
    return "display";
}

bool report_type_has_ring(const report_type *t)
{
    return strcmp(report_type_channel(t), "webdav") != 0;
}
