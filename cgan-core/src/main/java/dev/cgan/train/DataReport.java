package dev.cgan.train;

import java.util.List;

/**
 * What loading a run's data found besides the images, for a front end to report: the files left out
 * of an image folder with {@code skipBadImages}, whether the decoded set came from the cache, and
 * notes that did not stop the load (a damaged cache file replaced, a cache not written).
 *
 * @param skipped the left-out files, {@code "<relative path>: <problem>"}, in listing order
 * @param fromCache whether an image folder's decoded images came from the cache
 * @param notes one line each
 */
public record DataReport(List<String> skipped, boolean fromCache, List<String> notes) {
  /** The report of a source that is not an image folder: nothing to say. */
  static final DataReport NONE = new DataReport(List.of(), false, List.of());

  public DataReport {
    skipped = List.copyOf(skipped);
    notes = List.copyOf(notes);
  }
}
