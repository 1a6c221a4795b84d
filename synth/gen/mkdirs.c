#include "mkdirs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make one directory whose parent exists; an existing directory is fine. */
static int make_one(const char *dir, GPtrArray *created, char **error)
{
    if (mkdir(dir, 0777) == 0) {
        g_ptr_array_add(created, g_strdup(dir));
        return 0;
    }
    int err = errno;
    struct stat st;
    if (err == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    *error = g_strdup_printf("'%s': %s", dir, err == EEXIST ? "exists and is not a directory" : strerror(err));
    return -1;
}

int mkdirs(const char *path, GPtrArray *created, char **error)
{
    if (path[0] == '\0') {
        *error = g_strdup("an empty path is not a directory");
        return -1;
    }
    char *dir = g_strdup(path);
    int rc = 0;
    /* Each prefix ending before a '/' (not the root's), then the whole path. */
    for (char *p = dir + 1; rc == 0 && *p != '\0'; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        rc = make_one(dir, created, error);
        *p = '/';
    }
    if (rc == 0)
        rc = make_one(dir, created, error);
    g_free(dir);
    return rc;
}

void mkdirs_undo(GPtrArray *created)
{
    for (guint i = created->len; i-- > 0;)
        rmdir(g_ptr_array_index(created, i));
}
