package dev.bindery.credential;

/**
 * Notifications of security events, after the transaction that recorded them committed; the server turns them
 * into metrics (for example {@code bindery_credential_lineage_quarantined_total}). Implementations must be fast
 * and must not throw.
 */
public interface CredentialEvents {
  CredentialEvents NONE = new CredentialEvents() { };

  /** A superseded certificate of {@code lineage} was presented and the lineage was quarantined. */
  default void lineageQuarantined(Lineage lineage) { }
}
