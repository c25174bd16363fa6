/* Taints and tolerations with upstream matching rules. */
#pragma once
#include <glib.h>

typedef enum {
  KS_TAINT_EFFECT_ALL = 0, /* empty effect: only valid on tolerations, matches every effect */
  KS_TAINT_EFFECT_NO_SCHEDULE,
  KS_TAINT_EFFECT_PREFER_NO_SCHEDULE,
  KS_TAINT_EFFECT_NO_EXECUTE,
} KsTaintEffect;

gboolean ks_taint_effect_from_string(const char *s, KsTaintEffect *out); /* "" -> ALL */
const char *ks_taint_effect_to_string(KsTaintEffect e);

typedef struct {
  char *key;
  char *value; /* may be NULL */
  KsTaintEffect effect;
  gint64 time_added_us; /* for NoExecute; 0 when unset */
} KsTaint;

void ks_taint_clear(KsTaint *t);

typedef enum {
  KS_TOLERATION_OP_EQUAL = 0, /* also the default for an empty operator */
  KS_TOLERATION_OP_EXISTS,
} KsTolerationOp;

typedef struct {
  char *key;   /* NULL or "" matches every key (only with Exists) */
  KsTolerationOp op;
  char *value; /* may be NULL */
  KsTaintEffect effect;
  gboolean has_toleration_seconds;
  gint64 toleration_seconds;
} KsToleration;

void ks_toleration_clear(KsToleration *t);
void ks_toleration_copy(KsToleration *dst, const KsToleration *src);
gboolean ks_toleration_tolerates(const KsToleration *tol, const KsTaint *taint);
/* TRUE if any of the n tolerations tolerates taint. */
gboolean ks_tolerations_tolerate(const KsToleration *tols, guint n, const KsTaint *taint);

/* ---- additions ------------------------------------------------------------ */
void ks_taint_copy(KsTaint *dst, const KsTaint *src); /* dst uninitialised */
/* upstream Taint.MatchTaint: same key and effect (value ignored). */
gboolean ks_taint_matches(const KsTaint *a, const KsTaint *b);
/* Deep copies of GArrays of KsTaint / KsToleration, clear func set. */
GArray *ks_taint_array_copy(const GArray *src);      /* transfer full; NULL->NULL */
GArray *ks_toleration_array_copy(const GArray *src); /* transfer full; NULL->NULL */
