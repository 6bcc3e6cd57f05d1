package dev.bindery.server.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The TCP peers whose forwarded client certificate header Bindery believes ({@code bindery.oauth.trusted-proxies}):
 * IPv4 and IPv6 addresses and CIDR ranges ({@code 10.0.0.7}, {@code 10.0.0.0/8}, {@code fd00::/8}). Empty trusts
 * nobody, which is the default.
 *
 * <p>Only IP literals are accepted, never host names, so neither parsing nor matching touches DNS. An IPv4-mapped
 * IPv6 address ({@code ::ffff:10.0.0.7}) is the IPv4 address it maps, in a range ({@code ::ffff:10.0.0.0/104} is
 * {@code 10.0.0.0/8}) and in the peer address alike, so a dual-stack listener's peers match IPv4 ranges. A range of
 * prefix length 0 ({@code 0.0.0.0/0}, {@code ::/0}) is refused: trusting every address would let anyone forge a
 * client certificate. Zone ids ({@code fe80::1%eth0}) are refused in ranges and ignored in the peer address.
 */
public final class TrustedProxies {
  /** A dotted quad of decimal octets 0-255 without leading zeros (which some parsers read as octal). */
  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final int MAPPED_PREFIX_BITS = 96;

  /** An address range: the network address's bytes (4 or 16) and the number of leading bits that must match. */
  private record Range(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Range> ranges;
  private final List<String> entries;

  private TrustedProxies(List<Range> ranges, List<String> entries) {
    this.ranges = List.copyOf(ranges);
    this.entries = List.copyOf(entries);
  }

  /** Nobody is trusted. */
  public static TrustedProxies none() {
    return new TrustedProxies(List.of(), List.of());
  }

  /**
   * Parses addresses and CIDR ranges.
   *
   * @throws IllegalArgumentException naming the first entry that is not an IP literal or a CIDR range of one
   */
  public static TrustedProxies of(Collection<String> entries) {
    List<Range> ranges = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.strip();
      ranges.add(range(entry));
      kept.add(entry);
    }
    return new TrustedProxies(ranges, kept);
  }

  public static TrustedProxies of(String... entries) {
    return of(List.of(entries));
  }

  private static Range range(String entry) {
    int slash = entry.indexOf('/');
    String host = slash < 0 ? entry : entry.substring(0, slash);
    byte[] raw = literal(host);
    if (raw == null) {
      throw new IllegalArgumentException("'" + printable(entry) + "' is not an IP address or CIDR range");
    }
    int prefix = raw.length * 8;
    if (slash >= 0) {
      String bits = entry.substring(slash + 1);
      if (!PREFIX.matcher(bits).matches() || Integer.parseInt(bits) > raw.length * 8) {
        throw new IllegalArgumentException("'" + printable(entry) + "' has a prefix length outside 0-"
            + raw.length * 8);
      }
      prefix = Integer.parseInt(bits);
    }
    byte[] network = raw;
    if (mapped(raw)) {
      if (prefix < MAPPED_PREFIX_BITS) {
        throw new IllegalArgumentException("'" + printable(entry) + "' is an IPv4-mapped range with a prefix below "
            + MAPPED_PREFIX_BITS + "; write the IPv4 range instead");
      }
      network = ipv4Of(raw);
      prefix -= MAPPED_PREFIX_BITS;
    }
    if (prefix == 0) {
      throw new IllegalArgumentException("'" + printable(entry) + "' would trust every address");
    }
    return new Range(network, prefix);
  }

  /** True if nobody is trusted. */
  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /**
   * True if {@code peerAddress}, the TCP peer's IP literal as the servlet container reports it
   * ({@code getRemoteAddr()}), is in a trusted range. Anything that is not an IP literal is not trusted.
   */
  public boolean contains(String peerAddress) {
    if (ranges.isEmpty() || peerAddress == null) {
      return false;
    }
    String v = peerAddress.strip();
    if (v.startsWith("[") && v.endsWith("]")) {
      v = v.substring(1, v.length() - 1);
    }
    int zone = v.indexOf('%');
    if (zone >= 0 && v.indexOf(':') >= 0) {
      v = v.substring(0, zone);
    }
    byte[] address = literal(v);
    if (address == null) {
      return false;
    }
    if (mapped(address)) {
      address = ipv4Of(address);
    }
    for (Range r : ranges) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of an IPv4 (4) or IPv6 (16, IPv4-mapped included) literal, or null. The JDK only sees a dotted quad
   * checked here or a bracketed IPv6 literal, which it parses or refuses without resolving a name.
   */
  private static byte[] literal(String v) {
    try {
      if (IPV4.matcher(v).matches()) {
        return InetAddress.getByName(v).getAddress();
      }
      if (v.indexOf(':') >= 0 && IPV6.matcher(v).matches()) {
        byte[] b = InetAddress.getByName("[" + v + "]").getAddress();
        // the JDK turns an IPv4-mapped literal into its IPv4 address: give it back its IPv6 form
        return b.length == 4 ? mappedOf(b) : b;
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }

  private static boolean mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static byte[] mappedOf(byte[] ipv4) {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, b, 12, 4);
    return b;
  }

  private static byte[] ipv4Of(byte[] mapped) {
    byte[] b = new byte[4];
    System.arraycopy(mapped, 12, b, 0, 4);
    return b;
  }

  private static String printable(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** The entries as configured, for the start-up log. */
  @Override
  public String toString() {
    return String.join(",", entries);
  }
}
