package dev.cgan.train;

import dev.cgan.data.FolderListing;
import dev.cgan.data.InvalidDataException;

/**
 * A resume refused because the run's image folder changed since the run began: files added, removed
 * or modified (by size or modification time). The message names the counts and one example path;
 * {@link ResumeOptions#allowChangedData(boolean)} goes on with the folder as it is.
 */
public final class DataChangedException extends InvalidDataException {
  private static final long serialVersionUID = 1L;

  private static final String HOW = "allowChangedData";

  private final transient FolderListing.Changes changes;

  DataChangedException(String folder, FolderListing.Changes changes) {
    super(
        folder,
        "changed since the run began: "
            + changes
            + "; resume on the folder as it was, or allow the changed data ("
            + HOW
            + ")");
    this.changes = changes;
  }

  /** What changed. */
  public FolderListing.Changes changes() {
    return changes;
  }

  /** The message with the option that allows changed data called {@code name}. */
  public String messageNaming(String name) {
    return getMessage().replace(HOW, name);
  }
}
