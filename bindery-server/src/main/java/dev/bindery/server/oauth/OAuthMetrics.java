package dev.bindery.server.oauth;

import dev.bindery.oauth.ClientAuthenticationMethod;
import dev.bindery.oauth.OAuthError;
import dev.bindery.oauth.OAuthEvents;
import dev.bindery.token.Confirmation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token endpoint's metrics, which stand in for per-token records and for per-refusal audit events:
 * {@code bindery_oauth_tokens_issued_total{method, binding}} and
 * {@code bindery_oauth_token_requests_refused_total{error, reason}}. Labels come from small fixed sets (methods,
 * binding kinds, error codes and {@link dev.bindery.oauth.OAuthException#reason} labels), never from request values.
 */
public final class OAuthMetrics implements OAuthEvents {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public OAuthMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void tokenIssued(ClientAuthenticationMethod method, Confirmation binding) {
    counter("bindery.oauth.tokens.issued", "method", method.wire(), "binding", binding.kind()).increment();
  }

  @Override
  public void tokenRefused(OAuthError error, String reason) {
    counter("bindery.oauth.token.requests.refused", "error", error.code(), "reason", reason).increment();
  }

  private Counter counter(String name, String k1, String v1, String k2, String v2) {
    return counters.computeIfAbsent(name + '\n' + v1 + '\n' + v2,
        k -> Counter.builder(name).tag(k1, v1).tag(k2, v2).register(registry));
  }
}
