package dev.bindery.operator;

import dev.bindery.common.Secret;

/** The seed of a new TOTP factor (base32) and its otpauth URI, shown once at enrolment. */
public record TotpEnrolment(Secret seedBase32, Secret otpauthUri) {}
