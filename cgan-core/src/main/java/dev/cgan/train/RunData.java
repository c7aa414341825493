package dev.cgan.train;

import dev.cgan.data.DataSource;
import dev.cgan.data.DecodeProgress;
import dev.cgan.data.FolderListing;
import dev.cgan.data.ImageFolderReader;
import dev.cgan.data.InvalidDataException;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's data as loaded once: the images, and for an image folder the listing of its files (kept
 * in the run as {@link RunFolder#dataListing()}) and what loading found ({@link DataReport}).
 */
record RunData(LabeledImages images, FolderListing listing, DataReport report) {

  /**
   * Loads {@code source}; an image folder is read with its listing, skipped files and notes.
   *
   * @param numClasses the classes the run has, or 0 for the data's own
   */
  static RunData load(
      DataSource source,
      int numClasses,
      MnistDownloader.Progress downloads,
      DecodeProgress decoding)
      throws IOException {
    if (!(source instanceof DataSource.ImageFolder f)) {
      return new RunData(source.load(numClasses, downloads), null, DataReport.NONE);
    }
    ImageFolderReader.Result r = ImageFolderReader.read(f.dir(), f.options(), decoding);
    LabeledImages data = r.images();
    ImageFolderReader.requireClasses(f.dir(), data, numClasses);
    return new RunData(data, r.listing(), new DataReport(r.skipped(), r.fromCache(), r.notes()));
  }

  /**
   * Refuses to resume {@code run} on an image folder whose files changed since the listing the run
   * keeps, unless {@code allowChanged}; a run without a listing (made before it was kept) is not
   * checked. Only the folder is listed: nothing is decoded.
   *
   * @throws DataChangedException naming what changed
   * @throws InvalidDataException when changes are allowed but the number of files differs
   */
  static void requireUnchanged(RunFolder run, boolean allowChanged) throws IOException {
    if (!(run.settings().data() instanceof DataSource.ImageFolder f)) {
      return;
    }
    Path kept = run.dataListing();
    if (!Files.isRegularFile(kept)) {
      return;
    }
    FolderListing before = FolderListing.read(kept);
    FolderListing now = ImageFolderReader.scan(f.dir());
    FolderListing.Changes changes = now.changesSince(before);
    if (changes.isEmpty()) {
      return;
    }
    if (!allowChanged) {
      throw new DataChangedException(f.dir().toString(), changes);
    }
    if (now.count() != before.count()) {
      throw new InvalidDataException(
          f.dir().toString(),
          "has "
              + now.count()
              + " image files where the run began with "
              + before.count()
              + " ("
              + changes
              + "); the run's checkpoints hold an epoch order over that many images, so it"
              + " resumes on as many only");
    }
  }

  /** Keeps the image folder's listing in the run (atomically); nothing for other sources. */
  void keepListing(RunFolder run) throws IOException {
    if (listing != null) {
      listing.write(run.dataListing());
    }
  }
}
