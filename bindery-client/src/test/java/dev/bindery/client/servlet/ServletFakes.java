package dev.bindery.client.servlet;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal HttpServletRequest / HttpServletResponse stand-ins built with java.lang.reflect.Proxy. */
final class ServletFakes {
  private ServletFakes() {}

  /** A request: method, URL, headers, attributes and the TCP peer. */
  static final class Request {
    String method = "GET";
    String scheme = "https";
    String host = "orders.example";
    String path = "/orders/42";
    String remoteAddr = "203.0.113.9";
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final Map<String, Object> attributes = new HashMap<>();

    Request header(String name, String value) {
      headers.computeIfAbsent(name.toLowerCase(), k -> new ArrayList<>()).add(value);
      return this;
    }

    HttpServletRequest proxy() {
      return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {HttpServletRequest.class}, (p, m, args) -> switch (m.getName()) {
            case "getMethod" -> method;
            case "getRequestURI" -> path;
            case "getRequestURL" -> new StringBuffer(scheme + "://" + host + path);
            case "getRemoteAddr" -> remoteAddr;
            case "getHeaders" -> Collections.enumeration(headers.getOrDefault(((String) args[0]).toLowerCase(),
                List.of()));
            case "getHeader" -> {
              List<String> v = headers.get(((String) args[0]).toLowerCase());
              yield v == null ? null : v.get(0);
            }
            case "getAttribute" -> attributes.get((String) args[0]);
            case "setAttribute" -> {
              attributes.put((String) args[0], args[1]);
              yield null;
            }
            case "removeAttribute" -> {
              attributes.remove((String) args[0]);
              yield null;
            }
            case "toString" -> "FakeRequest";
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == args[0];
            default -> throw new UnsupportedOperationException(m.getName());
          });
    }
  }

  /** A response that records status, headers and body. */
  static final class Response {
    int status = 200;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    String contentType;

    List<String> header(String name) {
      return headers.getOrDefault(name, List.of());
    }

    String body() {
      return body.toString(StandardCharsets.UTF_8);
    }

    HttpServletResponse proxy() {
      ServletOutputStream out = new ServletOutputStream() {
        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {}

        @Override
        public void write(int b) {
          body.write(b);
        }
      };
      return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> switch (m.getName()) {
            case "setStatus" -> {
              status = (Integer) args[0];
              yield null;
            }
            case "getStatus" -> status;
            case "addHeader" -> {
              headers.computeIfAbsent((String) args[0], k -> new ArrayList<>()).add((String) args[1]);
              yield null;
            }
            case "setHeader" -> {
              headers.put((String) args[0], new ArrayList<>(List.of((String) args[1])));
              yield null;
            }
            case "setContentType" -> {
              contentType = (String) args[0];
              yield null;
            }
            case "setContentLength" -> null;
            case "getOutputStream" -> out;
            case "toString" -> "FakeResponse";
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == args[0];
            default -> throw new UnsupportedOperationException(m.getName());
          });
    }
  }

  /** A chain that records whether the request went through. */
  static final class Chain implements FilterChain {
    int calls;
    Object tokenSeen;

    @Override
    public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response) {
      calls++;
      tokenSeen = request.getAttribute(BinderyAuthFilter.VERIFIED_TOKEN_ATTRIBUTE);
    }
  }
}
