/* No _GNU_SOURCE here: it would make these headers disagree with the Glibc module that
   Swift builds (fd_set, __rusage_who), a hard error in a clean build. GNU extensions we need
   are declared explicitly below. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <sys/statvfs.h>
/* errno is a macro over a thread-local; read it through a function. */
static inline int clinux_errno(void) { return errno; }

/* accept4(2) is a GNU extension: declared here instead of defining _GNU_SOURCE. */
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
static inline int clinux_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

/* O_DIRECT is a GNU extension too (fcntl.h defines it only under _GNU_SOURCE); the flag's
   value differs between architectures, so it comes from the C headers, not a Swift literal. */
static inline int clinux_o_direct(void) { return __O_DIRECT; }
/* glibc malloc tuning, called once at server start (HTTPServer/ProcessMemory.swift). */
#include <malloc.h>
static inline int clinux_malloc_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }
static inline int clinux_malloc_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
static inline int clinux_malloc_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
static inline int clinux_malloc_trim(void) { return malloc_trim(0); }
