package dev.bindery.operator;

import dev.bindery.common.Secret;

/** A token just issued: its stored record and the secret value, which is shown once and never stored. */
public record IssuedToken(OperatorToken token, Secret value) {}
