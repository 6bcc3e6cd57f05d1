package dev.bindery.oauth;

/**
 * Authenticates a token request's client by one {@link ClientAuthenticationMethod}. {@link ClientAuthentication}
 * chooses the authenticator from what the request presents; an authenticator never falls back to another method.
 * Every refusal is an {@link OAuthException} ({@code invalid_client}, or {@code invalid_request} for a request that
 * lacks a parameter the method needs).
 */
public interface ClientAuthenticator {
  ClientAuthenticationMethod method();

  AuthenticatedClient authenticate(ClientAuthenticationRequest request);
}
