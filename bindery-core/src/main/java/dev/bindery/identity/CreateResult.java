package dev.bindery.identity;

/** A create's outcome: the identity, and whether it was created now or found by its external subject. */
public record CreateResult(Identity identity, boolean created) {}
