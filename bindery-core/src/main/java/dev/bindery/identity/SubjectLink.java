package dev.bindery.identity;

import java.time.Instant;

/** A federated subject's mapping to an identity, with when it was made. */
public record SubjectLink(FederatedSubject subject, IdentityId identityId, Instant linkedAt) {}
