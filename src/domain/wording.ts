// The words the documents put around the figures, as data beside the catalog: the heading each
// area of work has in each document type. A kind says its area (kinds.ts); the drafts and the
// year's documents place its statement under that area's heading, in these orders.
import type { Area } from "./catalog.js";

export interface AreaWording {
  /** The quarter's, half's and year's reports: 一、加强组织领导，压实主体责任. */
  report: string;
  /** How a parent's comparison of its units begins: 责任落实方面. */
  lead: string;
  /** The 述职报告's and the 工作总结's sub-heading for the year's work. */
  year: string;
  /** The 工作要点's heading for next year's tasks (seed 000 puts the 阵地 under responsibility). */
  plan: string;
}

export const AREA_WORDING: Record<Area, AreaWording> = {
  duty: {
    report: "加强组织领导，压实主体责任",
    lead: "责任落实方面",
    year: "压实主体责任，健全工作机制",
    plan: "压紧压实工作责任，守好意识形态阵地",
  },
  theory: {
    report: "加强理论武装，筑牢思想根基",
    lead: "理论武装方面",
    year: "加强理论武装，抓实思想引领",
    plan: "突出思想政治引领，抓好理论学习",
  },
  position: {
    report: "加强舆论引导，守好宣传阵地",
    lead: "宣传阵地方面",
    year: "守好宣传阵地，唱响主旋律",
    plan: "压紧压实工作责任，守好意识形态阵地",
  },
  practice: {
    report: "深化文明实践，丰富群众文化生活",
    lead: "文明实践方面",
    year: "开展主题活动，培育文明风尚",
    plan: "深化精神文明建设，培育文明风尚",
  },
};

/** The order of the areas in each document: the seeds' order. */
export const AREA_ORDER: Record<"report" | "year" | "plan", Area[]> = {
  report: ["duty", "theory", "position", "practice"],
  year: ["theory", "duty", "position", "practice"],
  // Seed 000: theory, then 精神文明, then responsibility with the 阵地.
  plan: ["theory", "practice", "duty", "position"],
};
