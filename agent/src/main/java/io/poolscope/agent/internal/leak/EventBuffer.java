package io.poolscope.agent.internal.leak;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Leak events not yet accepted by the collector. Bounded: when full, the oldest event is dropped
 * (and counted), so a long collector outage costs a fixed amount of memory. Touched only by the
 * agent thread and the shutdown hook.
 */
public final class EventBuffer {
  private final int capacity;
  private final ArrayDeque<LeakEvent> events = new ArrayDeque<>();
  private long dropped;

  /**
   * Creates a buffer.
   *
   * @param capacity the most events kept
   */
  public EventBuffer(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Adds an event, dropping the oldest when full.
   *
   * @param e the event
   */
  public synchronized void add(LeakEvent e) {
    if (events.size() >= capacity) {
      events.pollFirst();
      dropped++;
    }
    events.addLast(e);
  }

  /**
   * The oldest events, without removing them.
   *
   * @param max the most to return
   * @return up to max events
   */
  public synchronized List<LeakEvent> peek(int max) {
    List<LeakEvent> out = new ArrayList<>(Math.min(max, events.size()));
    for (LeakEvent e : events) {
      if (out.size() == max) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Removes events that were sent (they are the oldest, unless some were dropped meanwhile).
   *
   * @param sent the events the collector accepted
   */
  public synchronized void remove(List<LeakEvent> sent) {
    for (LeakEvent e : sent) {
      if (events.peekFirst() == e) {
        events.pollFirst();
      } else {
        events.remove(e);
      }
    }
  }

  /**
   * Events dropped because the buffer was full.
   *
   * @return the count
   */
  public synchronized long dropped() {
    return dropped;
  }
}
