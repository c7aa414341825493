package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SettingsHostTest {
  private static String refusal(String host) {
    return assertThrows(
            IllegalArgumentException.class, () -> CganServer.Settings.defaults().withHost(host))
        .getMessage();
  }

  @Test
  void aDottedQuadNeedsFourPartsOfAtMost255() {
    assertEquals(
        "host 999.1.1.1 is not an IPv4 address (four numbers from 0 to 255)", refusal("999.1.1.1"));
    assertEquals(
        "host 1.2.3 is not an IPv4 address (four numbers from 0 to 255)", refusal("1.2.3"));
    assertEquals(
        "host 1..2.3 is not an IPv4 address (four numbers from 0 to 255)", refusal("1..2.3"));
  }

  @Test
  void anotherMachinesAddressIsRefusedBeforeTheBind() {
    // 192.0.2.0/24 is TEST-NET-1: documentation only, never a local interface.
    assertEquals(
        "host 192.0.2.1 (192.0.2.1) is not an address of this machine; 0.0.0.0 listens on all of"
            + " them",
        refusal("192.0.2.1"));
  }

  @Test
  void loopbackAndTheWildcardAreKept() {
    assertEquals("127.0.0.1", CganServer.Settings.defaults().withHost("127.0.0.1").host());
    assertEquals("0.0.0.0", CganServer.Settings.defaults().withHost("0.0.0.0").host());
    assertEquals("localhost", CganServer.Settings.defaults().withHost("localhost").host());
  }
}
