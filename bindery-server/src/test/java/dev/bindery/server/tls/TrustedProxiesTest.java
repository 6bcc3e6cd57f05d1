package dev.bindery.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which TCP peers may forward a client certificate: IPv4 and IPv6 addresses and ranges, mapped addresses. */
class TrustedProxiesTest {
  @Test
  void none_trustsNobody() {
    assertThat(TrustedProxies.none().contains("127.0.0.1")).isFalse();
    assertThat(TrustedProxies.none().contains("::1")).isFalse();
    assertThat(TrustedProxies.none().isEmpty()).isTrue();
  }

  @Test
  void ipv4Address_matchesOnlyItself() {
    TrustedProxies p = TrustedProxies.of("10.0.0.7");

    assertThat(p.contains("10.0.0.7")).isTrue();
    assertThat(p.contains("10.0.0.8")).isFalse();
    assertThat(p.contains("10.0.0.70")).isFalse();
    assertThat(p.contains("127.0.0.1")).isFalse();
  }

  @Test
  void ipv4Range_matchesExactlyItsPrefix() {
    TrustedProxies p = TrustedProxies.of("10.0.0.0/9", "192.168.4.0/22");

    assertThat(p.contains("10.0.0.0")).isTrue();
    assertThat(p.contains("10.127.255.255")).isTrue();
    assertThat(p.contains("10.128.0.0")).as("first address past a /9").isFalse();
    assertThat(p.contains("11.0.0.1")).isFalse();
    assertThat(p.contains("192.168.7.255")).isTrue();
    assertThat(p.contains("192.168.8.0")).as("first address past a /22").isFalse();
    assertThat(p.contains("192.168.3.255")).isFalse();
  }

  @Test
  void ipv4RangeWithHostBits_matchesByPrefixOnly() {
    assertThat(TrustedProxies.of("10.1.2.3/8").contains("10.200.0.1")).isTrue();
  }

  @Test
  void ipv6AddressAndRange_matchInAnyNotation() {
    TrustedProxies p = TrustedProxies.of("::1", "fd00:1234::/32", "2001:db8::8/127");

    assertThat(p.contains("::1")).isTrue();
    assertThat(p.contains("0:0:0:0:0:0:0:1")).as("the servlet container's notation").isTrue();
    assertThat(p.contains("[::1]")).isTrue();
    assertThat(p.contains("::2")).isFalse();
    assertThat(p.contains("fd00:1234:ffff::1")).isTrue();
    assertThat(p.contains("FD00:1234:0:0:0:0:0:1")).isTrue();
    assertThat(p.contains("fd00:1235::1")).isFalse();
    assertThat(p.contains("2001:db8::9")).isTrue();
    assertThat(p.contains("2001:db8::a")).as("first address past a /127").isFalse();
    assertThat(p.contains("127.0.0.1")).as("IPv4 is not in an IPv6 range").isFalse();
  }

  @Test
  void ipv6PeerWithZone_zoneIgnored() {
    assertThat(TrustedProxies.of("fe80::/64").contains("fe80::1%eth0")).isTrue();
  }

  @Test
  void mappedPeer_matchesIpv4Range() {
    TrustedProxies p = TrustedProxies.of("10.0.0.0/8");

    assertThat(p.contains("::ffff:10.1.2.3")).isTrue();
    assertThat(p.contains("0:0:0:0:0:ffff:a01:203")).isTrue();
    assertThat(p.contains("::ffff:11.1.2.3")).isFalse();
    assertThat(p.contains("::10.1.2.3")).as("IPv4-compatible, not mapped").isFalse();
  }

  @Test
  void mappedRange_isTheIpv4Range() {
    TrustedProxies p = TrustedProxies.of("::ffff:10.0.0.0/104", "::ffff:192.168.1.1");

    assertThat(p.contains("10.9.9.9")).isTrue();
    assertThat(p.contains("::ffff:10.9.9.9")).isTrue();
    assertThat(p.contains("11.0.0.1")).isFalse();
    assertThat(p.contains("192.168.1.1")).isTrue();
    assertThat(p.contains("192.168.1.2")).isFalse();
  }

  @Test
  void ipv4Range_doesNotMatchIpv6PeerOfSameBytes() {
    // ::a00:1 ends in the bytes of 10.0.0.1 but is a different address
    assertThat(TrustedProxies.of("10.0.0.0/8").contains("::a00:1")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "proxy.example.com", "", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4.5",
      "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/8/8", "::1/129", "fe80::1%eth0",
      "::ffff:0:0/95", "0.0.0.0/0", "::/0", "::ffff:0.0.0.0/96", "1:2:3:4:5:6:7:8:9", "10.0.0.1 10.0.0.2"})
  void badEntry_refusedNamingIt(String entry) {
    assertThatThrownBy(() -> TrustedProxies.of(entry)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'");
  }

  @Test
  void catchAllRange_refusedAsTrustingEveryone() {
    assertThatThrownBy(() -> TrustedProxies.of("0.0.0.0/0")).hasMessageContaining("would trust every address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "", "unknown", "10.0.0.1:443", "10.0.0.01", "::ffff:10.0.0.1/8"})
  void peerThatIsNotAnAddress_notTrusted(String peer) {
    assertThat(TrustedProxies.of("10.0.0.0/8", "::1").contains(peer)).isFalse();
  }

  @Test
  void nullPeer_notTrusted() {
    assertThat(TrustedProxies.of("10.0.0.0/8").contains(null)).isFalse();
  }

  @Test
  void toString_listsTheEntries() {
    assertThat(TrustedProxies.of(" 10.0.0.0/8", "::1 ")).hasToString("10.0.0.0/8,::1");
  }
}
