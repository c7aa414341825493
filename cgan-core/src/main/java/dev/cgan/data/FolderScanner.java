package dev.cgan.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lists an image folder as torchvision's {@code ImageFolder} does: the classes are the folder's
 * subfolders, the images every file with an image extension at any depth below one, symbolic links
 * followed (as {@code os.walk(followlinks=True)} does).
 *
 * <p>Two deliberate differences: names starting with '.' (files and folders) are ignored, where
 * torchvision would make {@code .ipynb_checkpoints} a class; and a symbolic link that leads back to
 * a folder it is in is reported as a problem instead of being walked forever (Java's walker keeps
 * the visited folders' keys, which is the visited set). Only the extensions of {@link #EXTENSIONS}
 * count, compared without case: Keras's list; torchvision's has no .gif (and adds ppm, pgm, tif,
 * tiff, webp, which javax.imageio cannot read), so in a folder with GIF files torchvision lists the
 * other files only, with the same classes and labels.
 */
final class FolderScanner {
  /** The image extensions read, lower case. */
  static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private FolderScanner() {}

  static FolderListing scan(Path folder) throws IOException {
    Path dir = folder.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "not a directory");
    }
    List<String> classes = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!hidden(name) && Files.isDirectory(child)) {
          classes.add(name);
        }
      }
    }
    classes.sort(FolderScanner::compareCodePoints);
    List<FolderListing.Entry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int label = 0; label < classes.size(); label++) {
      int before = entries.size(), problemsBefore = problems.size();
      walkClass(dir, classes.get(label), label, entries, problems);
      if (entries.size() == before && problems.size() == problemsBefore) {
        throw new InvalidDataException(
            dir.resolve(classes.get(label)).toString(),
            "class folder '" + classes.get(label) + "' has no images (" + extensionList() + ")");
      }
    }
    if (entries.isEmpty() && problems.isEmpty()) {
      throw new InvalidDataException(
          dir.toString(),
          "no images: expected <class>/<any depth>/*.{"
              + extensionList()
              + "}, found "
              + (classes.isEmpty()
                  ? "no class subfolders"
                  : classes.size() + " empty class folders"));
    }
    if (classes.size() == 1) {
      throw new InvalidDataException(
          dir.toString(),
          "only one class folder, '"
              + classes.get(0)
              + "': a conditional GAN needs at least 2 classes, one subfolder each");
    }
    entries.sort(ORDER);
    return new FolderListing(dir, classes, entries, problems);
  }

  private static void walkClass(
      Path dir, String className, int label, List<FolderListing.Entry> out, List<String> problems)
      throws IOException {
    Path root = dir.resolve(className);
    Files.walkFileTree(
        root,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return !d.equals(root) && hidden(d.getFileName().toString())
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            String name = f.getFileName().toString();
            if (!hidden(name) && isImageName(name) && !attrs.isDirectory()) {
              // A dangling link arrives with the link's own attributes; decoding names it.
              long time = attrs.lastModifiedTime().toMillis();
              out.add(new FolderListing.Entry(relative(dir, f), label, attrs.size(), time));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            if (hidden(f.getFileName().toString())) {
              return FileVisitResult.CONTINUE;
            }
            String problem =
                e instanceof FileSystemLoopException
                    ? "symbolic link loop (leads back to a folder it is in); not followed"
                    : e instanceof AccessDeniedException
                        ? "cannot be read: permission denied"
                        : "cannot be listed: " + e;
            problems.add(relative(dir, f) + ": " + problem);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  static boolean hidden(String name) {
    return name.startsWith(".");
  }

  static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static String extensionList() {
    return "png, jpg, jpeg, bmp, gif";
  }

  static String relative(Path dir, Path file) {
    StringBuilder s = new StringBuilder();
    for (Path part : dir.relativize(file)) {
      s.append(s.length() == 0 ? "" : "/").append(part);
    }
    return s.toString();
  }

  /**
   * Label, then the folder a file is in, then its name: the order of torchvision's {@code
   * make_dataset}, which sorts {@code os.walk}'s (root, dirs, files) tuples by root, then each
   * root's file names.
   */
  static final Comparator<FolderListing.Entry> ORDER =
      Comparator.comparingInt(FolderListing.Entry::label)
          .thenComparing(e -> parent(e.path()), FolderScanner::compareCodePoints)
          .thenComparing(
              e -> e.path().substring(e.path().lastIndexOf('/') + 1),
              FolderScanner::compareCodePoints);

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  /**
   * Python's string order: by Unicode code point. {@link String#compareTo} compares UTF-16 units,
   * which puts U+FF01..U+FFFF after the characters beyond U+FFFF; locale collation or case folding
   * would disagree with Python more.
   */
  static int compareCodePoints(String a, String b) {
    int i = 0, j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i), cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
