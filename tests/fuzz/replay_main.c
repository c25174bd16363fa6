/* Replays a fuzz corpus without libFuzzer: every file in the directories (or
 * the files) named on the command line is fed once to LLVMFuzzerTestOneInput.
 * This keeps each fuzz target's corpus running under ctest and the
 * sanitizers on every build. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gint compare_paths(gconstpointer a, gconstpointer b) {
  return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static int replay_file(const char *path) {
  gchar *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  if (!g_file_get_contents(path, &data, &len, &error)) {
    fprintf(stderr, "%s\n", error->message);
    g_error_free(error);
    return 1;
  }
  LLVMFuzzerTestOneInput((const uint8_t *)data, len);
  g_free(data);
  return 0;
}

int main(int argc, char **argv) {
  int files = 0;
  for (int i = 1; i < argc; i++) {
    GDir *dir = g_dir_open(argv[i], 0, NULL);
    if (!dir) {
      if (replay_file(argv[i]))
        return 1;
      files++;
      continue;
    }
    /* Sorted, so a crash reproduces in the same order every time. */
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
      g_ptr_array_add(names, g_build_filename(argv[i], name, NULL));
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_paths);
    for (guint j = 0; j < names->len; j++) {
      if (replay_file(names->pdata[j]))
        return 1;
      files++;
    }
    g_ptr_array_free(names, TRUE);
  }
  if (files == 0) {
    fprintf(stderr, "no corpus files given\n");
    return 1;
  }
  printf("replayed %d corpus files\n", files);
  return 0;
}
