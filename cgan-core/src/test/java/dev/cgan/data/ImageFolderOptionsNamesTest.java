package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cgan.InvalidSettingException;
import dev.cgan.data.ImageFolderOptions.Resize;
import org.junit.jupiter.api.Test;

/** The choices of an image folder by name, as a command line or a config file gives them. */
class ImageFolderOptionsNamesTest {
  private static final ImageFolderOptions DEFAULTS = ImageFolderOptions.defaults();

  @Test
  void channelsAreOneThreeOrAuto() {
    assertEquals(1, DEFAULTS.withChannels("1").channels());
    assertEquals(3, DEFAULTS.withChannels("3").channels());
    assertEquals(0, DEFAULTS.withChannels("3").withChannels("auto").channels());
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> DEFAULTS.withChannels("2"));
    assertEquals("channels", e.setting());
    assertEquals("channels must be 1, 3 or auto, got '2'", e.getMessage());
  }

  @Test
  void resizeNamesAreTheEnumsInAnyCase() {
    assertEquals(Resize.PAD, Resize.of("pad"));
    assertEquals(Resize.STRETCH, Resize.of("Stretch"));
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Resize.of("fit"));
    assertEquals("resize must be crop, pad or stretch, got 'fit'", e.getMessage());
  }

  @Test
  void theBackgroundIsSixHexDigitsWithOrWithoutAHash() {
    assertEquals(0x102030, DEFAULTS.withBackground("102030").background());
    assertEquals(0xABCDEF, DEFAULTS.withBackground("#abcdef").background());
    for (String bad : new String[] {"fff", "#1234567", "12345g", "-12345"}) {
      InvalidSettingException e =
          assertThrows(InvalidSettingException.class, () -> DEFAULTS.withBackground(bad));
      assertEquals(
          "background must be a colour RRGGBB in hex (e.g. ffffff), got '" + bad + "'",
          e.getMessage());
    }
  }
}
