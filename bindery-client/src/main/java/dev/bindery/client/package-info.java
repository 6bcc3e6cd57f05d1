/**
 * Bindery's Java SDK for workloads and resource servers. It talks to a Bindery server only over HTTPS and
 * never links server or CLI code.
 *
 * <ul>
 *   <li>{@link dev.bindery.client.token.BinderyTokenClient}: obtains sender-constrained access tokens
 *       ({@code client_credentials} over mutual TLS or {@code private_key_jwt}, optionally DPoP-bound), caches
 *       them and renews them before they expire.
 *   <li>{@link dev.bindery.client.resource.BinderyTokenVerifier}: verifies access tokens locally in a resource
 *       server, deny by default, including the certificate or DPoP binding (RFC 8705, RFC 9449).
 *   <li>{@link dev.bindery.client.revocation.RevocationFeed}: follows Bindery's revocation feed so revoked
 *       tokens, credentials and identities are refused within a second.
 *   <li>{@link dev.bindery.client.servlet.BinderyAuthFilter}: the verifier as a Jakarta Servlet filter.
 * </ul>
 */
package dev.bindery.client;
