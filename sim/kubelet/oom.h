/* Out-of-memory kills: the kernel's choice of victim when a node runs out of
 * memory (docs/node-agent.md, Memory).
 *
 * A container whose memory use exceeds its cgroup limit is killed by the
 * cgroup's OOM killer (the resource model checks that per container). When
 * the containers' and the system's memory together exceed the node's memory
 * capacity, the kernel's global OOM killer picks the process with the
 * highest badness, oom_badness() = resident pages + oom_score_adj *
 * totalpages / 1000; ksim counts bytes instead of pages (the same order),
 * treats each container as one process with its own oom_score_adj, and
 * kills until the rest fits.
 * oom_score_adj -1000 exempts a process; ties go to the earliest-started
 * candidate (the kernel takes the first it finds with the maximum). */
#pragma once
#include <glib.h>

typedef struct {
  gint64 usage;  /* bytes */
  gint adj;      /* oom_score_adj, [-1000, 1000] */
} KsOomCandidate;

/* badness in bytes; G_MININT64 for an exempt (-1000) candidate */
gint64 ks_oom_badness(gint64 usage, gint adj, gint64 capacity);
/* Index of the victim among c[0..n), or -1 when every one is exempt. */
gint ks_oom_pick_victim(const KsOomCandidate *c, guint n, gint64 capacity);
