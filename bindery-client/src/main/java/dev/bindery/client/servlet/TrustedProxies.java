package dev.bindery.client.servlet;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The TCP peers allowed to forward a client certificate: IPv4 or IPv6 addresses and CIDR ranges
 * ({@code 10.0.0.0/8}, {@code ::1}). Only IP literals are accepted, never host names, so matching never
 * touches DNS. An empty set trusts nobody.
 */
public final class TrustedProxies {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private record Range(byte[] network, int prefix) {}

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /** Parses addresses and CIDR ranges; anything else is an {@link IllegalArgumentException}. */
  public static TrustedProxies of(Collection<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      String[] parts = entry.trim().split("/", -1);
      if (parts.length > 2) {
        throw new IllegalArgumentException("not an address or CIDR range: " + entry);
      }
      byte[] address = literal(parts[0]);
      if (address == null) {
        throw new IllegalArgumentException("not an IP address: " + entry);
      }
      int bits = address.length * 8;
      int prefix = bits;
      if (parts.length == 2) {
        try {
          prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("bad prefix length: " + entry);
        }
        if (prefix == 0) {
          // a /0 range trusts every address, so anyone could forge the certificate header (the server refuses it too)
          throw new IllegalArgumentException("a /0 range would trust every address: " + entry);
        }
      }
      ranges.add(new Range(address, prefix));
    }
    return new TrustedProxies(ranges);
  }

  public static TrustedProxies of(String... entries) {
    return of(List.of(entries));
  }

  /** True if {@code remoteAddress} (an IP literal as the servlet container reports it) is trusted. */
  public boolean contains(String remoteAddress) {
    if (ranges.isEmpty() || remoteAddress == null) {
      return false;
    }
    byte[] address = literal(remoteAddress);
    if (address == null) {
      return false;
    }
    for (Range r : ranges) {
      if (r.network.length == address.length && samePrefix(r.network, address, r.prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean samePrefix(byte[] a, byte[] b, int prefix) {
    if (prefix == 0) {
      return true;
    }
    BigInteger mask = BigInteger.ONE.shiftLeft(a.length * 8).subtract(BigInteger.ONE)
        .shiftRight(prefix).not();
    return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
  }

  /** The bytes of an IP literal, or null; IPv4-mapped IPv6 addresses count as IPv4. */
  static byte[] literal(String value) {
    String v = value.trim();
    if (v.startsWith("[") && v.endsWith("]")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      if (IPV4.matcher(v).matches()) {
        for (String octet : v.split("\\.")) {
          if (Integer.parseInt(octet) > 255) {
            return null;
          }
        }
        return InetAddress.getByName(v).getAddress();
      }
      // a colon makes the JDK parse an IPv6 literal; it never resolves a name then
      if (v.indexOf(':') >= 0 && v.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+")) {
        return InetAddress.getByName(v).getAddress();
      }
    } catch (UnknownHostException e) {
      return null;
    }
    return null;
  }
}
