package dev.tonnage.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the Events it is given, for tests of admission and audit. */
public final class RecordingEventWriter implements EventWriter {

  public final List<WarningEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void warn(WarningEvent event) {
    events.add(event);
  }
}
