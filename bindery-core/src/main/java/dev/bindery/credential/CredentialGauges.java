package dev.bindery.credential;

/**
 * Counts behind the Prometheus gauges: {@code bindery_credentials_expiring} (active credentials expiring within
 * {@link CredentialService#GAUGE_EXPIRING_WINDOW}), {@code bindery_credentials_overdue_rotation},
 * {@code bindery_credentials_never_used}, {@code bindery_identities_without_credential}.
 */
public record CredentialGauges(long expiring, long overdueRotation, long neverUsed, long identitiesWithoutCredential) {}
