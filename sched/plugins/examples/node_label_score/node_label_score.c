/* NodeLabelScore: an example ksim plugin built as a shared object and loaded
 * at run time (docs/plugins.md, README.md beside this file).
 *
 * It scores each feasible node by the integer value of a node label named in
 * its args, e.g. label "example.com/efficiency": a node labelled "40" beats
 * one labelled "10". It is the kind of policy a researcher tries first when
 * nodes carry a measured property the default plugins ignore (energy
 * efficiency, spot-price rank, a rack's free cooling capacity): put the
 * number on the nodes, weigh it against NodeResourcesFit in the profile.
 *
 * Score: the label's value parsed as Go's strconv.ParseInt (ksim's own
 * ks_selector_parse_int64, the parser NodeAffinity's Gt/Lt use); a node
 * without the label, or with a value that is not an integer, scores 0, and
 * so does a negative value. Values are capped so that NormalizeScore cannot
 * overflow. NormalizeScore: upstream's DefaultNormalizeScore (the highest
 * value gets 100, the others in proportion), so the plugin's weight means the
 * same as any built-in score plugin's.
 *
 * Trade-offs: Score looks the label up on every node every cycle (a binary
 * search in the node's sorted labels, no allocation); caching parsed values
 * per node would need invalidation on node updates, which the cache already
 * does for us by handing out the current KsNode. No Filter: a node without
 * the label stays feasible, it is only less preferred.
 *
 * Args (a flat string map, as every loaded plugin receives them):
 *   label   required  the node label key to read
 */
#include <string.h>

#include "sched/ksim_plugin.h"

/* Keeps max_priority * value within gint64 in DefaultNormalizeScore. */
#define NODE_LABEL_SCORE_MAX_VALUE (G_MAXINT64 / KS_SCHED_MAX_NODE_SCORE)

typedef struct {
  const char *label; /* interned */
} NodeLabelScore;

static gpointer nls_create(gconstpointer args, GError **error) {
  const KsLabels *a = args;
  const char *label = a ? ks_labels_get(a, "label") : NULL;
  for (guint i = 0; a && i < a->n; i++)
    if (strcmp(a->items[i].key, "label") != 0) {
      g_set_error(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                  "args.%s: unknown field (NodeLabelScore takes: label)", a->items[i].key);
      return NULL;
    }
  if (!label || !*label) {
    g_set_error_literal(error, KS_SCHED_ERROR, KS_SCHED_ERROR_INVALID_ARGS,
                        "args.label: Required value: the node label to score by");
    return NULL;
  }
  NodeLabelScore *self = g_new0(NodeLabelScore, 1);
  self->label = g_intern_string(label);
  return self;
}

static void nls_destroy(gpointer self) { g_free(self); }

static void nls_score(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                      const KsSchedCache *c, guint slot, gint64 *score, KsSchedStatus *st) {
  const NodeLabelScore *self = p->self;
  const char *value = ks_labels_get(&c->nodes[slot]->labels, self->label);
  gint64 v = 0;
  if (!value || !ks_selector_parse_int64(value, &v) || v < 0)
    v = 0;
  *score = MIN(v, NODE_LABEL_SCORE_MAX_VALUE);
}

static void nls_normalize(KsSchedPlugin *p, KsSchedCycleState *cs, const KsPod *pod,
                          gint64 *scores, guint n, KsSchedStatus *st) {
  ks_sched_default_normalize_score(KS_SCHED_MAX_NODE_SCORE, FALSE, scores, n);
}

static const KsSchedPluginDesc node_label_score = {
    .name = "NodeLabelScore",
    .create = nls_create,
    .destroy = nls_destroy,
    .score = nls_score,
    .normalize_score = nls_normalize,
};

KSIM_PLUGIN_DEFINE(&node_label_score)
