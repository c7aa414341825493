package dev.cgan.server;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which numbered versions of a model base folder are served, as TensorFlow Serving's {@code
 * model_version_policy}: the latest one, all of them, or specific ones. A version counts only once
 * its folder is complete and has not failed to load (see {@link ModelBasePath}), so with {@link
 * #latest()} a newer folder that cannot load leaves the version already served in place.
 */
public final class VersionPolicy {
  private final String kind;
  private final SortedSet<Long> specific;

  private VersionPolicy(String kind, SortedSet<Long> specific) {
    this.kind = kind;
    this.specific = specific;
  }

  /** The highest version (TF Serving's default, {@code latest { num_versions: 1 }}). */
  public static VersionPolicy latest() {
    return new VersionPolicy("latest", null);
  }

  /** Every version ({@code all {}}). */
  public static VersionPolicy all() {
    return new VersionPolicy("all", null);
  }

  /**
   * These versions, those of them that are there ({@code specific { versions: … }}).
   *
   * @throws IllegalArgumentException for none, or a version below 1
   */
  public static VersionPolicy specific(Set<Long> versions) {
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("versions: give at least one version number");
    }
    for (long v : versions) {
      if (v < 1) {
        throw new IllegalArgumentException(
            "versions: a version is a whole number from 1, got " + v);
      }
    }
    return new VersionPolicy("specific", new TreeSet<>(versions));
  }

  /**
   * {@code latest}, {@code all}, or version numbers between commas ({@code 2,3}).
   *
   * @throws IllegalArgumentException naming what is wrong, as {@code versions: …}
   */
  public static VersionPolicy parse(String text) {
    String t = text.strip();
    if (t.equals("latest")) {
      return latest();
    }
    if (t.equals("all")) {
      return all();
    }
    Set<Long> versions = new TreeSet<>();
    for (String part : t.split(",", -1)) {
      String p = part.strip();
      if (!p.matches("[0-9]{1,18}")) {
        throw new IllegalArgumentException(
            "versions: '"
                + text
                + "' is not 'latest', 'all' or version numbers between commas (e.g. 2,3): '"
                + p
                + "' is not a version number");
      }
      versions.add(Long.parseLong(p));
    }
    return specific(versions);
  }

  /** The versions to serve among {@code candidates} (complete folders that have not failed). */
  NavigableSet<Long> choose(NavigableSet<Long> candidates) {
    return switch (kind) {
      case "latest" ->
          candidates.isEmpty() ? new TreeSet<>() : new TreeSet<>(Set.of(candidates.last()));
      case "all" -> new TreeSet<>(candidates);
      default -> {
        TreeSet<Long> out = new TreeSet<>(candidates);
        out.retainAll(specific);
        yield out;
      }
    };
  }

  @Override
  public String toString() {
    if (specific == null) {
      return kind;
    }
    List<String> s = new ArrayList<>();
    specific.forEach(v -> s.add(Long.toString(v)));
    return String.join(",", s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionPolicy p && p.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
