#include <libpq-fe.h>

/// A notice processor that drops server notices ("relation already exists, skipping"): libpq's
/// default prints them to stderr, which would bypass the structured log.
static inline void cpostgres_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

static inline void cpostgres_silence_notices(PGconn *conn) {
    PQsetNoticeProcessor(conn, cpostgres_ignore_notice, 0);
}
