#ifndef PHASE_GOLEM_C_SYSTEM_SHIMS_H
#define PHASE_GOLEM_C_SYSTEM_SHIMS_H

#include <spawn.h>

/* glibc declares posix_spawn_file_actions_addchdir_np only under _GNU_SOURCE, which a
   Swift import does not define; this wrapper is compiled with it. */
int pg_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
