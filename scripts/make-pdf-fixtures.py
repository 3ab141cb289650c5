#!/usr/bin/env python3
"""Writes the small PDFs the extraction tests read (Tests/ParaExtractionTests/Fixtures/pdf/),
laid out the way the UN lays out its documents: a cover page with the header block, running
heads and feet, paragraph numbers at the text's left edge (beside the text or alone on their
line), footnotes below a rule, a paragraph broken by a page, a wrapped heading, an annex whose
numbering restarts at 1, a joint symbol, a Chinese document with hanging numbers, and a
document set in two columns under a full-width title.

The PDFs are committed; this script is how they were made:
  pip install reportlab; apt-get install fonts-wqy-microhei
  python3 scripts/make-pdf-fixtures.py Tests/ParaExtractionTests/Fixtures/pdf"""
import os, sys
from reportlab.pdfgen import canvas
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.pagesizes import A4

W, H = A4
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


class Doc:
    """A page-at-a-time writer with a text block, running lines and a footnote area."""
    total = 0          # pages of the document, known from a first run

    def __init__(self, path, body_font, bold_font, size=10, leading=13.5, left=110, right=500,
                 number_left=None, text_indent=None, hanging=False, cjk=False, head="", job="", foot_font=None):
        self.c = canvas.Canvas(path, pagesize=A4, invariant=1)
        self.c.setTitle("fixture")
        self.body, self.bold, self.size, self.leading = body_font, bold_font, size, leading
        self.left, self.right = left, right
        self.number_left = number_left if number_left is not None else left
        self.text_indent = text_indent if text_indent is not None else left + 25
        self.hanging, self.cjk = hanging, cjk
        self.head, self.job = head, job
        self.foot_font = foot_font or body_font
        self.page = 1
        self.y = H - 80
        self.notes = []          # footnotes waiting for the foot of this page
        self.total = Doc.total

    # Text measure and wrapping.
    def width(self, s, font=None, size=None):
        return pdfmetrics.stringWidth(s, font or self.body, size or self.size)

    def wrap(self, text, first_width, width, font=None, size=None):
        """Greedy wrap: by words in English, by characters in Chinese. `^N` marks a footnote."""
        tokens = list(text) if self.cjk else text.split(" ")
        lines, cur, limit = [], "", first_width
        for t in tokens:
            cand = cur + t if self.cjk else (cur + " " + t if cur else t)
            if self.width(cand.replace("^", ""), font, size) > limit and cur:
                lines.append(cur)
                cur, limit = t, width
            else:
                cur = cand
        if cur:
            lines.append(cur)
        return lines

    def draw(self, x, y, s, font=None, size=None):
        """Draws `s`; `^N ` draws N as a raised small footnote marker."""
        font, size = font or self.body, size or self.size
        parts = s.split("^")
        self.c.setFont(font, size)
        self.c.drawString(x, y, parts[0])
        x += self.width(parts[0], font, size)
        for p in parts[1:]:
            mark = ""
            while p and (p[0].isdigit()):
                mark, p = mark + p[0], p[1:]
            self.c.setFont(self.body, size * 0.6)
            self.c.drawString(x + 0.5, y + size * 0.4, mark)
            x += self.width(mark, self.body, size * 0.6) + 1
            self.c.setFont(font, size)
            self.c.drawString(x, y, p)
            x += self.width(p, font, size)

    def need(self, height):
        if self.y - height < 120 + 14 * len(self.notes):
            self.new_page()

    def new_page(self):
        self.finish_page()
        self.c.showPage()
        self.page += 1
        self.y = H - 80

    def finish_page(self):
        c = self.c
        if self.notes:
            y = 100 + 13 * len(self.notes)
            c.setFont(self.body, self.size)
            c.drawString(self.left - 35, y + 14, "__________________")
            for mark, text in self.notes:
                c.setFont(self.foot_font, self.size * 0.6)
                c.drawString(self.left - 8, y + 3, mark)
                c.setFont(self.foot_font, self.size * 0.85)
                c.drawString(self.left, y, text)
                y -= 13
            self.notes = []
        if self.page > 1:
            c.setFont(self.bold, 9)
            # Odd and even pages put the running symbol and page number on opposite sides.
            if self.page % 2 == 0:
                c.drawString(self.left - 35, H - 45, self.head)
                c.drawString(self.left - 35, 40, f"{self.page}/{self.total}")
                c.setFont(self.body, 7)
                c.drawRightString(self.right + 20, 40, self.job)
            else:
                c.drawRightString(self.right + 20, H - 45, self.head)
                c.drawRightString(self.right + 20, 40, f"{self.page}/{self.total}")
                c.setFont(self.body, 7)
                c.drawString(self.left - 35, 40, self.job)

    def save(self):
        self.finish_page()
        self.c.save()
        Doc.last_pages = self.page

    # Blocks.
    def heading(self, text, x=None, size=None, font=None, width=None):
        size = size or self.size + 1
        lines = self.wrap(text, width or (self.right - (x or self.left - 30)), width or (self.right - self.left), font or self.bold, size)
        self.need(len(lines) * (size + 4) + 20)
        self.y -= 10
        for i, l in enumerate(lines):
            self.draw((x or self.left - 30) if i == 0 else self.left, self.y, l, font or self.bold, size)
            self.y -= size + 4
        self.y -= 6

    def paragraph(self, number, text, alone=False, notes=(), indent_items=True):
        """A numbered paragraph; `notes` are (mark, text) footnotes cited in it."""
        self.notes.extend(notes)
        # (Offsets from the text's left edge, which moves when a paragraph goes on in the
        # next column.)
        first_dx = self.text_indent - self.left
        width = self.right - self.left if not self.hanging else self.right - self.text_indent
        cont_dx = self.text_indent - self.left if self.hanging else 0
        items = text.split("\n")
        self.need(self.leading * 2)
        if alone:
            self.draw(self.number_left, self.y, f"{number}.")
            self.y -= self.leading
            first_dx = cont_dx
        for k, item in enumerate(items):
            dx0 = first_dx if k == 0 else self.text_indent - self.left
            lines = self.wrap(item, self.right - self.left - dx0, width)
            for i, l in enumerate(lines):
                if self.y < 130 + 14 * len(self.notes):
                    self.new_page()
                if k == 0 and i == 0 and not alone:
                    self.draw(self.number_left, self.y, f"{number}.")
                self.draw(self.left + (dx0 if i == 0 else cont_dx), self.y, l)
                self.y -= self.leading
        self.y -= self.leading * 0.6

    def text(self, text, x=None):
        for l in self.wrap(text, self.right - (x or self.left), self.right - self.left):
            self.need(self.leading)
            self.draw(x or self.left, self.y, l)
            self.y -= self.leading
        self.y -= self.leading * 0.6


def cover(d, organ, symbol_parts, date, original, lines, title, subtitle, cjk=False):
    c = d.c
    c.setFont(d.body, 14)
    c.drawString(d.left - 35, H - 60, "联合国" if cjk else "United Nations")
    x = d.right + 20
    for s in reversed(symbol_parts):
        c.setFont(d.body, 12)
        c.drawRightString(x, H - 60, s)
        x -= d.width(s, d.body, 12) + 2
    c.setFont(d.bold, 18)
    c.drawString(d.left - 35, H - 95, organ)
    c.setFont("Helvetica", 10)
    c.drawString(d.right - 100, H - 85, "Distr.: General")
    c.setFont(d.body, 10)
    c.drawString(d.right - 100, H - 98, date)
    c.setFont(d.body if cjk else "Helvetica", 10)
    c.drawString(d.right - 100, H - 124, original)
    y = H - 170
    for l in lines:
        c.setFont(d.body, 10)
        c.drawString(d.left - 35, y, l)
        y -= 14
    y -= 20
    c.setFont(d.bold, 15)
    c.drawString(d.left, y, title)
    y -= 22
    c.setFont(d.bold, 12)
    c.drawString(d.left, y, subtitle)
    d.y = y - 40
    c.setFont("Helvetica", 7)
    c.drawString(d.left - 35, 60, d.job)
    c.setFont("Helvetica", 12)
    c.drawString(d.left - 35, 45, "*" + "".join(ch for ch in d.job if ch.isdigit())[:7] + "*")


def english_beside(path):
    d = Doc(path, "Times-Roman", "Times-Bold", head="A/80/999", job="25-01234 (E)")
    cover(d, "General Assembly", ["A/80/999*–", "S/2025/999*"], "3 March 2025", "Original: English",
          ["Eightieth session", "Item 12 of the provisional agenda*"],
          "Asset recovery and the rule of law", "Report of the Secretary-General")
    d.heading("I. Introduction", x=d.left - 30)
    d.paragraph(1, "The present report is submitted pursuant to General Assembly resolution 79/1, in which the "
                   "Assembly requested the Secretary-General to report on asset recovery at its eightieth session.")
    d.paragraph(2, "Member States reported progress in the recovery of stolen assets, and the Secretary-General "
                   "welcomes^1 the multi-stakeholder cooperation described below, which was led by a multi-"
                   "stakeholder group of experts in the field.",
                notes=[("1", "See A/79/100, para. 12.")])
    d.heading("A. Cooperation between national authorities and the financial intelligence units of the region", x=d.left - 28,
              width=260)
    d.paragraph(3, "States described three kinds of measure:\n(a) Confiscation without conviction;\n"
                   "(b) Specialized asset management offices;\n(c) Joint investigative teams.")
    long = ("The programme of work for the next biennium will build on these results. " * 22).strip()
    d.paragraph(4, long + " It will be reviewed by the Commission at its next session.")
    d.paragraph(5, "The Secretary-General recommends that Member States continue to share good practices.")
    d.new_page()
    d.heading("Annex", x=(d.left + d.right) / 2 - 20)
    d.heading("Summary of national submissions", x=d.left)
    d.paragraph(1, "Twelve States submitted information on their legislation.")
    d.paragraph(2, "Four States reported new laws on the management of seized assets.")
    d.save()


def english_alone(path):
    # Hanging layout: numbers at the margin, text and its continuation lines indented; each
    # number alone on its line with the text starting on the line below.
    d = Doc(path, "Helvetica", "Helvetica-Bold", left=130, number_left=95, text_indent=130, hanging=True,
            head="E/CN.5/2099/1", job="GE.25-04321 (E)")
    cover(d, "Economic and Social Council", ["E/CN.5/2099/1"], "10 January 2025", "Original: English",
          ["Commission for Social Development", "Sixty-third session", "Item 3 (a) of the provisional agenda"],
          "Youth and local action", "Note by the Secretariat")
    d.heading("II. Overview", x=95)
    for n, t in [(1, "Young people are central to local action on the Sustainable Development Goals, and their "
                     "organizations reach those that national programmes miss."),
                 (2, "Local governments reported^2 on youth councils, participatory budgets and volunteer schemes, "
                     "which in several cases were the first of their kind in the region concerned. " * 12

                     + "Several of them are described in the annex."),
                 (3, "The Commission may wish to take note of the present report.")]:
        d.paragraph(n, t, alone=True, notes=[("2", "Information received from 40 local governments.")] if n == 2 else ())
    d.save()


def chinese_un(path):
    pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
    d = Doc(path, "WQY", "WQY", size=10.5, leading=15.5, left=120, number_left=85, text_indent=120, hanging=True,
            cjk=True, head="E/CN.15/2099/1", job="25-01234 (C)")
    cover(d, "经济及社会理事会", ["E/CN.15/2099/1"], "2025年3月1日", "原文：中文",
          ["预防犯罪和刑事司法委员会", "第三十四届会议", "临时议程项目6"],
          "犯罪和司法研究所的报告", "秘书长的说明", cjk=True)
    d.heading("一. 导言", x=85, size=12)
    d.paragraph(1, "该研究所是一个联合国自治机构，由其董事会管理，董事会的作用是指明战略方向和制定优先事项，并定期向经社理事会提交报告。")
    d.paragraph(2, "犯罪司法所开展的工作全部由自愿捐款供资^1，其主要捐助方是若干会员国和私营公司。",
                notes=[("1", "见 https://www.example.org/topics/ 第1号文件。")])
    d.heading("二. 犯罪和司法", x=85, size=12)
    d.heading("A. 资产追回试点项目", x=100, size=11)
    long = "犯罪司法所继续协助有关国家建立新的机制，更有效地追查和追回非法获得的资产。" * 22
    d.paragraph(3, long + "该项目还包括与其他国际伙伴协调工作。")
    d.paragraph(4, "为有关国家的资产追回和资产管理办事处组织了专家考察。")
    d.save()


def chinese_un_centred(path):
    # Other geometry: each number on its text's line after a gap, continuation lines flush with
    # the number; headings centred in body type; other margins and the monospaced face.
    if "WQYMono" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQYMono", CJK_FONT, subfontIndex=1))
    d = Doc(path, "WQYMono", "WQYMono", size=11, leading=17, left=80, right=520, number_left=80, text_indent=112,
            cjk=True, head="A/80/998", job="25-05678 (C)")
    cover(d, "大会", ["A/80/998"], "2025年6月2日", "原文：英文",
          ["第八十届会议", "临时议程项目72"], "气候变化背景下的人权", "秘书长的报告", cjk=True)
    centre = (d.left + d.right) / 2

    def centred(text):
        d.need(40)
        d.y -= 8
        d.c.setFont(d.body, d.size)
        d.c.drawCentredString(centre, d.y, text)
        d.y -= d.size + 12

    centred("一. 导言")
    d.paragraph(1, "本报告依照大会第79/1号决议提交，概述各国在气候变化背景下促进和保护人权的做法。")
    d.paragraph(2, "各国报告了在减缓和适应气候变化方面的进展^1，并介绍了保护受影响社区的措施。",
                notes=[("1", "见各国提交的材料，可查阅人权高专办网站。")])
    centred("二. 主要趋势")
    centred("A. 能源转型")
    long = "能源转型必须以人权为基础，确保受影响社区能够参与决策并公平分享惠益。" * 20
    d.paragraph(3, long + "各国应当加强这方面的合作。")
    d.paragraph(4, "特别报告员建议各国继续交流良好做法。")
    d.save()


class TwoColumnDoc(Doc):
    """Text in two columns: a full column goes on at the top of the next; the second, on the
    next page. Footnotes run the full width below a rule."""

    def __init__(self, path, *args, columns=((72, 285), (310, 523)), **kw):
        super().__init__(path, *args, left=columns[0][0], right=columns[0][1], **kw)
        self.columns, self.column, self.top = columns, 0, H - 80

    def set_column(self, k):
        self.column = k
        self.left, self.right = self.columns[k]
        self.number_left, self.text_indent = self.left, self.left + 18

    def new_page(self):
        if self.column == 0:
            self.set_column(1)
            self.y = self.top
            return
        self.set_column(0)
        left, right = self.left, self.right
        self.left, self.right = self.columns[0][0] + 35, self.columns[1][1] - 20   # full-width running lines
        self.finish_page()
        self.left, self.right = left, right
        self.c.showPage()
        self.page += 1
        self.y = self.top = H - 80


def english_two_columns(path):
    d = TwoColumnDoc(path, "Times-Roman", "Times-Bold", size=9.5, leading=12, head="A/80/997", job="25-07777 (E)")
    d.set_column(0)
    cover(d, "General Assembly", ["A/80/997"], "9 May 2025", "Original: English",
          ["Eightieth session", "Item 40 of the provisional agenda"],
          "Cooperation on asset recovery", "Report of the Secretary-General")
    d.top = d.y
    d.heading("I. Introduction", x=d.left)
    d.paragraph(1, "The present report responds to resolution 79/2, in which the General Assembly asked for "
                   "an account of cooperation in recovering the proceeds of corruption across borders.")
    d.paragraph(2, "Thirty States replied^1 to the request for information, which was sent in January.",
                notes=[("1", "The replies are available from the Secretariat on request.")])
    for n in range(3, 17):
        if n == 5:
            d.heading("II. Measures taken by States", x=d.left)
        if n == 12:
            d.heading("III. Conclusions", x=d.left)
        d.paragraph(n, f"Paragraph {n} describes the measures that States took during the period under review. "
                       + "Mutual legal assistance was requested more often than before, and central authorities "
                         "answered faster when requests were complete. " * (2 + n % 3)
                       + f"This ends paragraph {n}.")
    d.save()


def english_two_columns_narrow(path):
    # A narrow gutter (12 points), smaller type, headings inside the columns, two pages.
    d = TwoColumnDoc(path, "Helvetica", "Helvetica-Bold", size=9, leading=11, head="E/2025/97", job="25-09999 (E)",
                     columns=((60, 291), (303, 535)))
    d.set_column(0)
    cover(d, "Economic and Social Council", ["E/2025/97"], "1 June 2025", "Original: English",
          ["2025 session", "Item 5 of the provisional agenda"], "Narrow gutter", "Note by the Secretariat")
    d.top = d.y
    for n in range(1, 30):
        if n % 7 == 0:
            d.need(60)   # (a column break first, so that the heading takes the new column's edge)
            if n == 21 and d.column == 0:
                d.new_page()   # (this one at the top of the right column, without a section mark)
            d.heading(f"{'IVX'[n // 7 % 3]}. Section {n}" if n != 21 else "Further measures", x=d.left)
        d.paragraph(n, f"Paragraph {n} starts here and says that " + "the Council considered the matter in detail. " * (3 + n % 5)
                    + f"(end {n}).")
    d.save()


def chinese_two_columns(path):
    # Chinese in two columns over two pages, the last page holding only a left column.
    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
    d = TwoColumnDoc(path, "WQY", "WQY", size=10, leading=15, cjk=True, head="A/80/996", job="25-08888 (C)")
    d.set_column(0)
    cover(d, "大会", ["A/80/996"], "2025年6月2日", "原文：中文", ["第八十届会议"], "两栏报告", "秘书长的报告", cjk=True)
    d.top = d.y
    for n in range(1, 20):
        d.paragraph(n, f"第{n}段开始。" + "各国报告了在减缓和适应气候变化方面的进展。" * (2 + n % 4) + f"第{n}段结束。")
    d.save()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/ParaExtractionTests/Fixtures/pdf"
    os.makedirs(out, exist_ok=True)
    for make, name in [(english_beside, "en-beside.pdf"), (english_alone, "en-alone.pdf"), (chinese_un, "zh-un.pdf"),
                       (chinese_un_centred, "zh-centred.pdf"), (english_two_columns, "en-two-columns.pdf"),
                       (english_two_columns_narrow, "en-two-columns-narrow.pdf"), (chinese_two_columns, "zh-two-columns.pdf")]:
        Doc.total = 0
        make(os.path.join(out, name))          # once to count the pages (`3/N`),
        Doc.total = Doc.last_pages
        make(os.path.join(out, name))          # once to write them


if __name__ == "__main__":
    main()
