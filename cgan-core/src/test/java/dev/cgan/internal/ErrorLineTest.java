package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorLineTest {
  @TempDir Path tmp;

  @Test
  void theJdksBarePathIsGivenItsReasonInWords() {
    String missing = tmp.resolve("missing").toString();
    assertEquals(
        missing + ": no such file or folder", ErrorLine.of(new NoSuchFileException(missing)));
    assertEquals(
        missing + " -> b: permission denied",
        ErrorLine.of(new AccessDeniedException(missing, "b", null)));
  }

  @Test
  void aFileWhereAFolderWasExpectedIsNamed() throws IOException {
    Path file = Files.writeString(tmp.resolve("run"), "x");
    String inside = file.resolve("x").toString();
    assertEquals(
        inside + ": " + file.toAbsolutePath() + " is a file, where a folder was expected",
        ErrorLine.of(new FileSystemException(inside, null, "Not a directory")));
  }

  @Test
  void aWordedMessageIsKeptToItsFirstLine() {
    String missing = tmp.resolve("missing").toString();
    assertEquals(missing + ": gone", ErrorLine.of(new FileSystemException(missing, null, "gone")));
    assertEquals(
        "Op type not registered 'X'",
        ErrorLine.of(new IllegalStateException(" Op type not registered 'X'\n\tat node 3\n")));
    assertEquals("java.lang.IllegalStateException", ErrorLine.of(new IllegalStateException()));
  }
}
