package dev.bindery.server.store;

import dev.bindery.operator.OperatorId;
import dev.bindery.operator.TotpFactor;
import dev.bindery.operator.TotpRepository;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** TOTP factors over JDBC; the seed is stored sealed (base64 of the AES-GCM output). */
final class JdbcTotpRepository implements TotpRepository {
  private final Handle h;

  JdbcTotpRepository(Handle h) {
    this.h = h;
  }

  @Override
  public Optional<TotpFactor> find(OperatorId operator) {
    return select("SELECT * FROM totp_factors WHERE operator_id = :op", operator);
  }

  @Override
  public Optional<TotpFactor> lockAndFind(OperatorId operator) {
    return select("SELECT * FROM totp_factors WHERE operator_id = :op FOR UPDATE", operator);
  }

  private Optional<TotpFactor> select(String sql, OperatorId operator) {
    return h.createQuery(sql)
        .bind("op", operator.value())
        .map((rs, ctx) -> new TotpFactor(new OperatorId(rs.getString("operator_id")),
            Base64.getDecoder().decode(rs.getString("sealed_seed")), rs.getBoolean("confirmed"),
            rs.getLong("last_used_step"), Sql.instant(rs.getLong("created_at"))))
        .findOne();
  }

  @Override
  public void put(TotpFactor f) {
    delete(f.operatorId());
    h.createUpdate("INSERT INTO totp_factors (operator_id, sealed_seed, confirmed, last_used_step, created_at) "
            + "VALUES (:op, :seed, :confirmed, :step, :created)")
        .bind("op", f.operatorId().value())
        .bind("seed", Base64.getEncoder().encodeToString(f.sealedSeed()))
        .bind("confirmed", f.confirmed())
        .bind("step", f.lastUsedStep())
        .bind("created", Sql.micros(f.createdAt()))
        .execute();
  }

  @Override
  public void delete(OperatorId operator) {
    h.createUpdate("DELETE FROM totp_factors WHERE operator_id = :op").bind("op", operator.value()).execute();
  }

  @Override
  public boolean advanceStep(OperatorId operator, long step) {
    return h.createUpdate("UPDATE totp_factors SET last_used_step = :step WHERE operator_id = :op AND last_used_step < :step")
        .bind("step", step).bind("op", operator.value()).execute() == 1;
  }
}
