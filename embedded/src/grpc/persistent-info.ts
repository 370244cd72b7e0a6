// GroupInfo -> SubscriptionInfo. The client rebuilds the group's settings from this message,
// so every setting is echoed exactly as stored (§14.5).
import type * as pb from '@eventstore/db-client/generated/persistent_pb.js';
import { ALL, startFromText } from '../persistent/definition.js';
import type { GroupInfo } from '../persistent/group.js';
import { toDecimal } from './convert.js';
import { persistentPb } from './generated.js';

function positionText(isAll: boolean, value: bigint | undefined): string {
  if (value === undefined) return '';
  return isAll ? `C:${value}/P:${value}` : toDecimal(value);
}

export function toSubscriptionInfo(info: GroupInfo): pb.SubscriptionInfo {
  const { def } = info;
  const s = def.settings;
  const isAll = def.stream === ALL;
  const msg = new persistentPb.SubscriptionInfo();
  msg.setEventSource(def.stream);
  msg.setGroupName(def.group);
  msg.setStatus(info.status);
  msg.setConnectionsList(
    info.consumers.map((c) => {
      const conn = new persistentPb.SubscriptionInfo.ConnectionInfo();
      conn.setFrom('');
      conn.setUsername('system');
      conn.setAverageItemsPerSecond(c.averagePerSecond);
      conn.setTotalItems(toDecimal(c.totalItems));
      conn.setCountSinceLastMeasurement(toDecimal(c.countSinceLastMeasurement));
      conn.setObservedMeasurementsList(
        c.measurements.map(({ key, value }) => {
          const m = new persistentPb.SubscriptionInfo.Measurement();
          m.setKey(key);
          m.setValue(toDecimal(value));
          return m;
        }),
      );
      conn.setAvailableSlots(c.availableSlots);
      conn.setInFlightMessages(c.inFlight);
      conn.setConnectionName(c.connectionName);
      return conn;
    }),
  );
  msg.setAveragePerSecond(info.averagePerSecond);
  msg.setTotalItems(toDecimal(info.totalItems));
  msg.setCountSinceLastMeasurement(toDecimal(info.countSinceLastMeasurement));
  msg.setLastCheckpointedEventPosition(positionText(isAll, info.lastCheckpoint));
  msg.setLastKnownEventPosition(positionText(isAll, info.lastKnown));
  msg.setResolveLinkTos(s.resolveLinks);
  msg.setStartFrom(startFromText(def.startFrom));
  msg.setMessageTimeoutMilliseconds(s.messageTimeoutMs);
  msg.setExtraStatistics(s.extraStatistics);
  msg.setMaxRetryCount(s.maxRetryCount);
  msg.setLiveBufferSize(s.liveBufferSize);
  msg.setBufferSize(s.historyBufferSize);
  msg.setReadBatchSize(s.readBatchSize);
  msg.setCheckPointAfterMilliseconds(s.checkpointAfterMs);
  msg.setMinCheckPointCount(s.minCheckpointCount);
  msg.setMaxCheckPointCount(s.maxCheckpointCount);
  msg.setReadBufferCount(info.readBufferCount);
  msg.setLiveBufferCount(toDecimal(info.liveBufferCount));
  msg.setRetryBufferCount(info.retryBufferCount);
  msg.setTotalInFlightMessages(info.inFlight);
  msg.setOutstandingMessagesCount(info.inFlight);
  msg.setNamedConsumerStrategy(s.strategy);
  msg.setMaxSubscriberCount(s.maxSubscriberCount);
  msg.setParkedMessageCount(toDecimal(info.parkedCount));
  return msg;
}
