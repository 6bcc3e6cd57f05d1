package dev.bindery.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Breaks the core rule on purpose: a core package binding JSON. Used only by the rule tests. */
public final class CoreClassUsingJackson {
  Object mapper() {
    return new ObjectMapper();
  }
}
