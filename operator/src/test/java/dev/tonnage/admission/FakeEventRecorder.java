package dev.tonnage.admission;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the events it is given. */
final class FakeEventRecorder implements EventRecorder {

  record Recorded(ObjectRef involved, AdmissionEvent event) {}

  final List<Recorded> recorded = new CopyOnWriteArrayList<>();

  @Override
  public void record(ObjectRef involved, AdmissionEvent event) {
    recorded.add(new Recorded(involved, event));
  }
}
