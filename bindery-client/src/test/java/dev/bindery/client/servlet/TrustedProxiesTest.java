package dev.bindery.client.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1");

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "10.255.255.255", "192.168.1.7", "fd12:3456::1", "::1", "[::1]",
      "0:0:0:0:0:0:0:1"})
  void contains_trustedAddresses(String address) {
    assertThat(proxies.contains(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"11.0.0.1", "192.168.1.8", "fe80::1", "127.0.0.1", "localhost", "10.0.0.1.evil",
      "999.0.0.1", "", "example.com:80"})
  void contains_otherAddressesAndNames_false(String address) {
    assertThat(proxies.contains(address)).isFalse();
  }

  @Test
  void none_trustsNobody() {
    assertThat(TrustedProxies.none().contains("10.0.0.1")).isFalse();
    assertThat(TrustedProxies.none().contains(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0/0", "::/0", "10.0.0.0/8, 0.0.0.0/0"})
  void zeroPrefix_refused_becauseItWouldTrustEveryAddress(String entries) {
    assertThatThrownBy(() -> TrustedProxies.of(entries.split(", ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "10.0.0.0/8/1", "::1/129"})
  void of_malformedEntries_refused(String entry) {
    assertThatThrownBy(() -> TrustedProxies.of(entry)).isInstanceOf(IllegalArgumentException.class);
  }
}
