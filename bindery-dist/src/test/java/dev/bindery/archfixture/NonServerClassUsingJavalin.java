package dev.bindery.archfixture;

import io.javalin.Javalin;

/** Breaks the Javalin rule on purpose: HTTP server code outside the server. Used only by the rule tests. */
public final class NonServerClassUsingJavalin {
  Object app() {
    return Javalin.create();
  }
}
