/* Resource quantities, parsed exactly as apimachinery's resource.Quantity.
 *
 * Design. Upstream keeps a quantity as a scaled int64 or an arbitrary
 * precision decimal and converts it on demand. The scheduler only ever needs
 * two integers, ceil(q) and ceil(q*1000), so we never build the decimal:
 * the scanner splits the string into sign, digit string, position of the
 * decimal point and suffix (decimal exponent or power of 1024), and the
 * conversion computes ceil(|q| * 10^k) straight from the digits with
 * unsigned __int128 arithmetic and overflow checks. No floating point, no
 * allocation, any input length.
 *
 * The scanner follows upstream's parseQuantityString step by step, so the
 * same strings are accepted, including upstream's odd corners (verified
 * against apimachinery quantity.go and quantity_test.go):
 *   "1." "1.G" ".5" "." "-" "Mi" "e3" parse (a number with no digits is 0);
 *   "Pi" and "Ei" without digits, and digit-less numbers with an exponent
 *   below -9 ("e-10"), fail ("unable to parse numeric part") because upstream
 *   sends them down its big-decimal path, which wants at least one digit;
 *   "1K", "1e", "--1", "-3.01e-" fail on the suffix; "12x", " 1", "1 ",
 *   "1.2.3", "1Gib", "0x10", "" fail on the format.
 *
 * Rounding. Upstream rounds the magnitude up to a multiple of 1e-9 when
 * parsing and Value()/MilliValue() round away from zero; since 1e-3 and 1
 * are multiples of 1e-9 the first rounding never changes the second, so we
 * round once, away from zero ("-1.5" -> -2, "0.1m" -> milli 1).
 *
 * Limits, and where we depart. Upstream caps a BinarySI magnitude at
 * 2^63-1 while parsing ("8Ei" and "9Ei" are 2^63-1); we do the same. A
 * decimal quantity is not capped upstream, and Value()/MilliValue()
 * "silently overflow ... result is undefined": we return
 * KS_QUANTITY_ERROR_RANGE instead, but only for an output the caller asked
 * for (memory "8Ei" is fine; cpu "8Ei" is out of range in millicores).
 * Upstream truncates a decimal exponent to int32 ("1e4294967296" is 1); we
 * keep its real value (and so report it as too large).
 */
#include "sched/quantity.h"

#include <string.h>

G_DEFINE_QUARK(ks-quantity-error-quark, ks_quantity_error)

typedef unsigned __int128 u128;

/* A quantity split into its parts; pointers index into the parsed string. */
typedef struct {
  gboolean negative;
  const char *num;   /* integer digits with leading zeros stripped */
  gsize num_len;
  const char *denom; /* fractional digits */
  gsize denom_len;
  const char *suffix;
  gsize suffix_len;
  gboolean binary;   /* Ki..Ei */
  gint64 exponent;   /* power of 10 (decimal) or of 2 (binary) */
} Parts;

typedef enum { SCAN_OK, SCAN_FORMAT, SCAN_SUFFIX, SCAN_NUMERIC } ScanResult;

static gboolean is_digit(char c) { return c >= '0' && c <= '9'; }

static gsize span_digits(const char *s) {
  gsize n = 0;
  while (is_digit(s[n]))
    n++;
  return n;
}

/* Upstream's suffix character class [eEinumkKMGTP]. */
static gboolean is_suffix_char(char c) { return c && strchr("eEinumkKMGTP", c) != NULL; }

/* Splits s like parseQuantityString: sign, numerator, '.', denominator,
 * suffix letters, an optional sign and digits (the exponent). */
static ScanResult scan_number(const char *s, Parts *p) {
  const char *c = s;
  memset(p, 0, sizeof *p);
  if (*c == '-' || *c == '+')
    p->negative = (*c++ == '-');
  while (*c == '0')
    c++;
  p->num = c;
  p->num_len = span_digits(c);
  c += p->num_len;
  p->denom = c;
  if (*c == '.') {
    p->denom = ++c;
    p->denom_len = span_digits(c);
    c += p->denom_len;
  }
  p->suffix = c;
  while (is_suffix_char(*c))
    c++;
  if (*c == '-' || *c == '+')
    c++;
  c += span_digits(c);
  p->suffix_len = (gsize)(c - p->suffix);
  return *c ? SCAN_FORMAT : SCAN_OK;
}

static gboolean suffix_is(const Parts *p, const char *want) {
  return p->suffix_len == strlen(want) && memcmp(p->suffix, want, p->suffix_len) == 0;
}

/* Parses "e<int>"/"E<int>" as strconv.ParseInt(s, 10, 64) would. */
static gboolean parse_exponent(const char *s, gsize len, gint64 *out) {
  gsize i = 0;
  gboolean neg = FALSE;
  guint64 v = 0;
  if (i < len && (s[i] == '+' || s[i] == '-'))
    neg = (s[i++] == '-');
  if (i == len)
    return FALSE;
  for (; i < len; i++) {
    if (!is_digit(s[i]))
      return FALSE;
    v = v * 10 + (guint64)(s[i] - '0');
    if (v > (guint64)G_MAXINT64 + (neg ? 1u : 0u))
      return FALSE;
  }
  *out = neg ? (gint64)(0 - v) : (gint64)v;
  return TRUE;
}

static gboolean interpret_suffix(Parts *p) {
  static const struct { const char *s; gboolean binary; int exp; } table[] = {
      {"", FALSE, 0},   {"n", FALSE, -9}, {"u", FALSE, -6}, {"m", FALSE, -3}, {"k", FALSE, 3},
      {"M", FALSE, 6},  {"G", FALSE, 9},  {"T", FALSE, 12}, {"P", FALSE, 15}, {"E", FALSE, 18},
      {"Ki", TRUE, 10}, {"Mi", TRUE, 20}, {"Gi", TRUE, 30}, {"Ti", TRUE, 40}, {"Pi", TRUE, 50},
      {"Ei", TRUE, 60},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
    if (suffix_is(p, table[i].s)) {
      p->binary = table[i].binary;
      p->exponent = table[i].exp;
      return TRUE;
    }
  }
  if (p->suffix_len > 1 && (p->suffix[0] == 'e' || p->suffix[0] == 'E'))
    return parse_exponent(p->suffix + 1, p->suffix_len - 1, &p->exponent);
  return FALSE;
}

/* Upstream takes a big-decimal path (which needs at least one digit) when
 * its int64 fast path cannot hold the number. Only a number without any
 * digit can tell the two paths apart, so only that case is modelled. */
static gboolean needs_digits(const Parts *p) {
  if (p->binary) /* precision = 15 - 1 - exp*3/10 - 1 < 0 */
    return p->exponent * 3 / 10 > 13;
  return p->exponent < -9;
}

static ScanResult scan(const char *s, Parts *p) {
  if (*s == '\0')
    return SCAN_FORMAT;
  ScanResult r = scan_number(s, p);
  if (r != SCAN_OK)
    return r;
  if (!interpret_suffix(p))
    return SCAN_SUFFIX;
  gboolean any_digit = p->num_len > 0 || p->denom_len > 0 || p->num > s + (*s == '-' || *s == '+');
  if (!any_digit && needs_digits(p))
    return SCAN_NUMERIC;
  return SCAN_OK;
}

/* The digit string num+denom seen as one array. */
static int digit_at(const Parts *p, gint64 i) {
  if (i < (gint64)p->num_len)
    return p->num[i] - '0';
  return p->denom[i - (gint64)p->num_len] - '0';
}

#define U64_LIMIT ((u128)1 << 64)

/* ceil(|q| * 10^k * 2^b) where |q| = 0.digits * 10^point. Returns FALSE when
 * the result exceeds 2^64 (the callers' limits are all below that). */
static gboolean magnitude(const Parts *p, gint64 point, int b, guint64 *out) {
  gint64 n = (gint64)(p->num_len + p->denom_len);
  u128 ipart = 0, mult = (u128)1 << b;
  /* Integer part: digits before the point, then zeros past the last digit. */
  for (gint64 i = 0; i < point; i++) {
    ipart = ipart * 10 + (u128)(i < n ? digit_at(p, i) : 0);
    if (ipart >= U64_LIMIT)
      return FALSE;
    if (ipart == 0 && i >= n)
      break; /* all zeros: stays 0 however far the point is */
  }
  /* Fractional part times 2^b: divide digit by digit from the right,
   * keeping the floor and whether anything was dropped. The floor is below
   * 2^b, so at most ~20 leading zeros can still matter. */
  u128 fl = 0;
  gboolean sticky = FALSE;
  gint64 first = point > 0 ? point : 0;
  gint64 lead_zeros = point < 0 ? MIN(-point, 24) : 0;
  for (gint64 i = n - 1; i >= first; i--) {
    u128 t = (u128)digit_at(p, i) * mult + fl;
    sticky = sticky || (t % 10 != 0);
    fl = t / 10;
  }
  for (gint64 i = 0; i < lead_zeros; i++) {
    sticky = sticky || (fl % 10 != 0);
    fl /= 10;
  }
  u128 r = ipart * mult + fl + (sticky ? 1 : 0);
  if (r > U64_LIMIT - 1)
    return FALSE;
  *out = (guint64)r;
  return TRUE;
}

/* Position of the decimal point in num+denom after scaling by 10^(exp+k),
 * clamped so that absurd exponents cannot overflow (beyond +-2^40 the
 * answer is "too large" or "tiny" either way). */
static gint64 point_for(const Parts *p, int k) {
  gint64 e = p->binary ? 0 : p->exponent;
  e = CLAMP(e, -((gint64)1 << 40), (gint64)1 << 40);
  return (gint64)p->num_len + e + k;
}

/* Upstream caps a binary magnitude at 2^63-1 while parsing. */
static gboolean binary_capped(const Parts *p) {
  guint64 whole;
  return p->binary &&
         (!magnitude(p, point_for(p, 0), (int)p->exponent, &whole) || whole > (guint64)G_MAXINT64);
}

/* The signed result of ceil(q * 10^k), away from zero; FALSE on overflow. */
static gboolean scaled(const Parts *p, int k, gint64 *out) {
  guint64 mag;
  if (binary_capped(p)) {
    if (k != 0)
      return FALSE; /* (2^63-1) * 1000 */
    mag = (guint64)G_MAXINT64;
  } else if (!magnitude(p, point_for(p, k), p->binary ? (int)p->exponent : 0, &mag)) {
    return FALSE;
  }
  if (!p->negative) {
    if (mag > (guint64)G_MAXINT64)
      return FALSE;
    *out = (gint64)mag;
    return TRUE;
  }
  if (mag > (guint64)G_MAXINT64 + 1)
    return FALSE;
  *out = mag == (guint64)G_MAXINT64 + 1 ? G_MININT64 : -(gint64)mag;
  return TRUE;
}

static void set_scan_error(GError **error, const char *s, ScanResult r, const Parts *p) {
  switch (r) {
  case SCAN_SUFFIX:
    g_set_error(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_SYNTAX,
                "\"%s\" is not a quantity: unknown suffix \"%.*s\" (use n, u, m, k, M, G, T, P, "
                "E, Ki, Mi, Gi, Ti, Pi, Ei or e<exponent>)",
                s, (int)p->suffix_len, p->suffix);
    break;
  case SCAN_NUMERIC:
    g_set_error(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_SYNTAX,
                "\"%s\" is not a quantity: it has no digits", s);
    break;
  default:
    g_set_error(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_SYNTAX, "\"%s\" is not a quantity",
                s);
  }
}

static void set_range_error(GError **error, const char *s, gboolean milli) {
  g_set_error(error, KS_QUANTITY_ERROR, KS_QUANTITY_ERROR_RANGE,
              "\"%s\" is out of range: %s does not fit in a signed 64-bit integer", s,
              milli ? "its value in milli-units" : "its value");
}

gboolean ks_quantity_parse(const char *s, gint64 *value, gint64 *milli, GError **error) {
  g_return_val_if_fail(s != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  Parts p;
  ScanResult r = scan(s, &p);
  if (r != SCAN_OK) {
    set_scan_error(error, s, r, &p);
    return FALSE;
  }
  gint64 v = 0, m = 0;
  if (value && !scaled(&p, 0, &v)) {
    set_range_error(error, s, FALSE);
    return FALSE;
  }
  if (milli && !scaled(&p, 3, &m)) {
    set_range_error(error, s, TRUE);
    return FALSE;
  }
  if (value)
    *value = v;
  if (milli)
    *milli = m;
  return TRUE;
}

gboolean ks_quantity_parse_for_resource(const char *resource, const char *s, gint64 *out,
                                        GError **error) {
  g_return_val_if_fail(resource != NULL, FALSE);
  if (strcmp(resource, "cpu") == 0)
    return ks_quantity_parse(s, NULL, out, error);
  return ks_quantity_parse(s, out, NULL, error);
}

/* ---- canonical formatting (upstream String() of NewMilliQuantity /
 * NewQuantity). The mantissa keeps no trailing factor of the base and the
 * exponent is the largest suffix that leaves no fractional digits. */

/* Removes factors of base like upstream's removeInt64Factors, which leaves
 * the most negative int64 untouched. */
static gint64 remove_factors(gint64 v, gint64 base, int *times) {
  *times = 0;
  if (v == G_MININT64)
    return v;
  gboolean neg = v < 0;
  gint64 r = neg ? -v : v;
  while (r >= base && r % base == 0) {
    r /= base;
    (*times)++;
  }
  return neg ? -r : r;
}

static const char *decimal_suffix(int exp) {
  static const char *const s[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  int i = exp / 3 + 3;
  return (exp % 3 == 0 && i >= 0 && i < (int)G_N_ELEMENTS(s)) ? s[i] : NULL;
}

/* value * 10^exp in DecimalSI canonical form; transfer full */
static char *format_decimal(gint64 value, int exp) {
  if (value == 0)
    return g_strdup("0");
  int times;
  gint64 m = remove_factors(value, 10, &times);
  exp += times;
  /* Bring the exponent down to a multiple of 3; this only undoes removed
   * factors, so it cannot overflow. */
  int down = ((exp % 3) + 3) % 3;
  for (int i = 0; i < down; i++)
    m *= 10;
  exp -= down;
  const char *suffix = decimal_suffix(exp);
  if (suffix)
    return g_strdup_printf("%" G_GINT64_FORMAT "%s", m, suffix);
  return g_strdup_printf("%" G_GINT64_FORMAT "e%d", m, exp);
}

char *ks_quantity_format_milli(gint64 milli) { return format_decimal(milli, -3); }

char *ks_quantity_format_value(gint64 value, gboolean binary) {
  static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  /* Upstream prints a BinarySI quantity in (-1024, 1024) as DecimalSI. */
  if (!binary || (value > -1024 && value < 1024))
    return format_decimal(value, 0);
  int times;
  gint64 m = remove_factors(value, 1024, &times);
  return g_strdup_printf("%" G_GINT64_FORMAT "%s", m, bin[times]);
}
