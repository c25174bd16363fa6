/* CPU sharing on one node: the CFS model of docs/node-agent.md (CPU).
 *
 * Each claim is a cgroup that wants some CPU: a pod cgroup sharing the
 * node's cpu, or a container cgroup sharing what its pod got (the resource
 * model calls this at both levels). A claim is capped at its limit (the CFS
 * quota) and weighed by cpu.shares = MilliCPUToShares(request) (upstream
 * pkg/kubelet/cm: 1024 per CPU, at least 2, at most 262144; no request gets
 * the minimum 2). When what the claims want fits in the capacity everyone
 * gets it; otherwise the CPU is divided in proportion to shares, and CPU a
 * claim does not use (its want or cap is below its share) goes to the
 * others in the same proportion (water-filling), as CFS gives idle time to
 * runnable groups. All integer millicores; each split rounds down, so up to
 * one millicore per contending claim may stay unused. */
#pragma once
#include <glib.h>

#define KS_CPU_MIN_SHARES 2
#define KS_CPU_SHARES_PER_CPU 1024
#define KS_CPU_MAX_SHARES 262144

/* MilliCPUToShares (pkg/kubelet/cm/helpers_linux.go). */
gint64 ks_cpu_milli_to_shares(gint64 milli_cpu);

typedef struct {
  gint64 want;    /* millicores the cgroup would use unconstrained (>= 0) */
  gint64 limit;   /* its cpu limit (quota) in millicores; 0 = none */
  gint64 shares;  /* its cpu.shares */
  gint64 granted; /* out: millicores it gets */
} KsCpuClaim;

/* Fills every claim's granted from capacity (millicores, >= 0). O(n log n).
 * Claims are independent of their order except for ties, which keep it. */
void ks_cpu_share(KsCpuClaim *claims, guint n, gint64 capacity);
