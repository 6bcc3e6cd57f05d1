package dev.bindery.testkit.pki;

import dev.bindery.pki.CaMaterial;
import dev.bindery.pki.CaMaterialStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link CaMaterialStore} in memory (no audit event), for tests of code that bootstraps the CA. */
public final class InMemoryCaMaterialStore implements CaMaterialStore {
  private final AtomicReference<CaMaterial> stored = new AtomicReference<>();

  @Override
  public Optional<CaMaterial> load() {
    return Optional.ofNullable(stored.get());
  }

  @Override
  public boolean saveIfAbsent(CaMaterial material) {
    return stored.compareAndSet(null, Objects.requireNonNull(material));
  }
}
