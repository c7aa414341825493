package dev.cgan.model;

/** Parses label sequences given by a user, with messages that point at the culprit. */
public final class Labels {
  private Labels() {}

  /**
   * "2026112701" → {2, 0, 2, 6, 1, 1, 2, 7, 0, 1}.
   *
   * @throws IllegalArgumentException "not a digit: 'a' at position 3", or a digit the model has no
   *     class for
   */
  public static int[] parseDigits(String digits, int numClasses) {
    return parseDigits(digits, numClasses, "--digits");
  }

  /**
   * A list with commas ("3,1,4", any number of classes) or else a digit string ("2026"), as {@code
   * train --digits} takes it; messages name {@code --digits} either way.
   */
  public static int[] parse(String labels, int numClasses) {
    return parse(labels, numClasses, "--digits");
  }

  /** {@link #parse(String, int)} with messages that call the sequence {@code name}. */
  public static int[] parse(String labels, int numClasses, String name) {
    return labels != null && labels.contains(",")
        ? parseList(labels, numClasses, name)
        : parseDigits(labels, numClasses, name);
  }

  /** "3,1,4" → {3, 1, 4}: class indices for models of any number of classes. */
  public static int[] parseList(String list, int numClasses) {
    return parseList(list, numClasses, "--labels");
  }

  private static int[] parseDigits(String digits, int numClasses, String option) {
    if (digits == null || digits.isEmpty()) {
      throw new IllegalArgumentException(
          option + " is empty: give at least one digit, e.g. 0123456789");
    }
    int[] labels = new int[digits.length()];
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            "not a digit: '" + c + "' at position " + (i + 1) + " of " + option + " " + digits);
      }
      labels[i] = c - '0';
      checkClass(labels[i], i, numClasses, option);
    }
    return labels;
  }

  private static int[] parseList(String list, int numClasses, String option) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException(option + " is empty: give class indices such as 3,1,4");
    }
    String[] parts = list.split(",", -1);
    int[] labels = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        labels[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "not a class index: '"
                + parts[i]
                + "' at position "
                + (i + 1)
                + " of "
                + option
                + " "
                + list);
      }
      checkClass(labels[i], i, numClasses, option);
    }
    return labels;
  }

  /** Rejects a label outside 0..numClasses−1. */
  public static void checkClass(int label, int position, int numClasses, String what) {
    if (label < 0 || label >= numClasses) {
      throw new IllegalArgumentException(
          what
              + ": class "
              + label
              + " at position "
              + (position + 1)
              + " is not a class of this model (it has classes 0-"
              + (numClasses - 1)
              + ")");
    }
  }
}
