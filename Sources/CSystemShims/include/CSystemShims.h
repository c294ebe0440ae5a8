#ifndef PHASE_GOLEM_C_SYSTEM_SHIMS_H
#define PHASE_GOLEM_C_SYSTEM_SHIMS_H

#include <spawn.h>

/* glibc declares posix_spawn_file_actions_addchdir_np only under _GNU_SOURCE, which a
   Swift import does not define; this wrapper is compiled with it. */
int pg_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* Closes every descriptor >= lowfd in the child (glibc >= 2.34), so an agent never inherits
   another thread's pipe and keeps it open; a no-op returning 0 where unsupported. */
int pg_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowfd);

/* pipe2(fds, O_CLOEXEC): both ends close-on-exec atomically, so a process spawned by another
   thread between pipe() and fcntl() cannot inherit them. */
int pg_pipe_cloexec(int fds[2]);

/* A file descriptor that becomes readable when the process exits (Linux 5.3+), so a
   parent can wait for exit and output in one poll(2); -1 where unavailable. */
int pg_pidfd_open(int pid);

/* Whether bytes[0..<count] hold a byte a terminal could act on: C0 controls other than tab,
   DEL, or 0xC2 (the lead byte of UTF-8 C1 controls). Scans every line an agent prints, so it
   is C: Swift debug builds, which the tests use, are ten times slower at byte loops. */
int pg_has_terminal_controls(const unsigned char *bytes, unsigned long count);

/* Whether bytes[0..<count] are all printable ASCII (0x20-0x7E): the TUI's fast path. */
int pg_is_printable_ascii(const unsigned char *bytes, unsigned long count);

/* mkstemp with the descriptor close-on-exec from the start (mkostemp is a GNU extension), so a
   child spawned by another thread in between cannot inherit a store's temporary file. */
int pg_mkstemp_cloexec(char *path_template);

/* Whether the signal is ignored now (inherited from `nohup`, or a background job's SIGINT). */
int pg_signal_is_ignored(int signal_number);

#endif
