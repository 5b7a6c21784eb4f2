// The recorded experiments, by the name `npm run record -- <name>` takes.
import type { GanRecordSpec } from "../experiments/ganrecords";
import type { RingRecordSpec } from "../experiments/records";
import { COMPARE_PROTOCOL } from "./digits";
import { AUTHORS_PROTOCOL, GRID_PROTOCOL, MAIN_PROTOCOL, TINY_PROTOCOL } from "./ring";

/** Every recorded experiment by its name: notebook 07's three ring records, 08's, and a tiny one. */
export const RECORDS: Readonly<Record<string, RingRecordSpec | GanRecordSpec>> = {
  [AUTHORS_PROTOCOL.name]: AUTHORS_PROTOCOL,
  [MAIN_PROTOCOL.name]: MAIN_PROTOCOL,
  [GRID_PROTOCOL.name]: GRID_PROTOCOL,
  [COMPARE_PROTOCOL.name]: COMPARE_PROTOCOL,
  [TINY_PROTOCOL.name]: TINY_PROTOCOL,
};
