package dev.bindery.credential;

/**
 * Counts behind the Prometheus gauges, one per report: {@code bindery_credentials_expiring} (active credentials
 * expiring within {@link CredentialService#GAUGE_EXPIRING_WINDOW}), {@code bindery_credentials_overdue_rotation},
 * {@code bindery_credentials_never_used}, {@code bindery_credentials_unused} (active credentials not used for
 * {@link CredentialService#GAUGE_UNUSED_WINDOW}, never used ones bound that long ago included) and
 * {@code bindery_identities_without_credential}. Expired credentials are in none of them.
 */
public record CredentialGauges(long expiring, long overdueRotation, long neverUsed, long unused,
    long identitiesWithoutCredential) {}
