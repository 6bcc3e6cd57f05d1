package dev.bindery.change;

/** What happened to a change request, as told to the {@link ChangeNotifier} (and the owners it notifies). */
public enum ChangeEvent {
  CREATED("change_request.created"),
  APPROVAL("change_request.approval"),
  APPLIED("change_request.applied"),
  REJECTED("change_request.rejected"),
  CANCELLED("change_request.cancelled"),
  EXPIRED("change_request.expired"),
  DISAVOWED("change_request.disavowed");

  private final String wire;

  ChangeEvent(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** True for the events whose notification carries a "this was not us" link: a pending or applied re-binding. */
  public boolean disavowable() {
    return this == CREATED || this == APPLIED;
  }
}
