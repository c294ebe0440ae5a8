#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdlib.h>
#include <signal.h>
#include "CSystemShims.h"

int pg_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int pg_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowfd) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowfd);
#else
    (void)actions;
    (void)lowfd;
    return 0;
#endif
}

int pg_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int pg_pidfd_open(int pid) {
#if defined(SYS_pidfd_open)
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int pg_has_terminal_controls(const unsigned char *bytes, unsigned long count) {
    for (unsigned long i = 0; i < count; i++) {
        unsigned char byte = bytes[i];
        if ((byte < 0x20 && byte != 0x09) || byte == 0x7F || byte == 0xC2) return 1;
    }
    return 0;
}

int pg_is_printable_ascii(const unsigned char *bytes, unsigned long count) {
    for (unsigned long i = 0; i < count; i++) {
        if (bytes[i] < 0x20 || bytes[i] > 0x7E) return 0;
    }
    return 1;
}

int pg_mkstemp_cloexec(char *path_template) {
    return mkostemp(path_template, O_CLOEXEC);
}

int pg_signal_is_ignored(int signal_number) {
    struct sigaction current;
    if (sigaction(signal_number, NULL, &current) != 0) return 0;
    return !(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN;
}
