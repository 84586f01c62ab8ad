-- Word: the committee paper. Run by both renderers on the report's Markdown.
--
-- The cover comes first (council, title, period, date of publication and the key messages,
-- as on the PDF's cover), then a page with the contents (a TOC field that pipeline/publish/word.py
-- fills with the headings and, when LibreOffice is installed, their page numbers), then the
-- body. The body's own "Key messages" section is left out when the cover shows them.
--
-- The report's raw HTML blocks become Word content. Charts (a <div class="vega-chart">
-- drawn by script in the HTML page) become the chart as a PNG image (charts/<id>.png,
-- written beside the SVG before rendering) with the chart's alt text, under its caption:
-- "Figure N: " (a SEQ field, numbered as the PDF numbers its charts), the headline in bold,
-- then the subtitle ("Image Caption" keeps with the image). The data tables in them become
-- real Word tables, the text equivalent of the chart on paper. Left out: the download links
-- of the HTML page, the "show the data" toggle text, which means nothing on paper, and the
-- chart's long description, which the HTML page keeps for screen readers and which would
-- only repeat the data table here.
--
-- Every table: a column whose cells are all numbers (or a table symbol such as "-" or
-- "[x]") is right-aligned, header included; the columns get widths from their content,
-- each at least as wide as its longest word so that no word is split inside a cell (a
-- table whose longest words do not fit the line side by side is set in smaller text). A
-- paragraph that is only bold text (a service area above its table) becomes a heading one
-- level below the section it is in (level 3 at least, so that the contents, which lists
-- levels 1 and 2 as the PDF's does, leave it out), kept with its table and one a screen
-- reader can jump to.
if FORMAT ~= "docx" then
  return {}
end

local TEXT_WIDTH = 470 -- points: A4 less the 2.2 cm side margins (report/make_reference_docx.py)
local FONT_SIZE, BOLD, CELL_PADDING = 11, 1.08, 14 -- points (cells are "Compact", 11 pt); bold is wider; margins

-- The width of a text in 11 pt Arial, in points, from the widths of its letters' kinds
-- (Arial's widths in ems, rounded up: narrow i and l, capitals, m and w wider).
local function text_points(text, bold)
  local ems = 0
  for _, code in utf8.codes(text) do
    local c = utf8.char(code)
    if c:match("[ijlI'|.,:;!]") then
      ems = ems + 0.28
    elseif c:match("[frt%(%)%-/ ]") then
      ems = ems + 0.36
    elseif c:match("[mwMW]") then
      ems = ems + 0.9
    elseif c:match("%u") then
      ems = ems + 0.74
    else
      ems = ems + 0.57
    end
  end
  return ems * FONT_SIZE * (bold and BOLD or 1)
end

-- ------------------------------------------------------------------ charts

local figures = 0

-- The PNG goes into pandoc's media bag here: pandoc runs sandboxed (its writers read no
-- file that is not named on the command line), so the Word writer takes it from there.
local function chart_image(div)
  local id = div.identifier:match("^vis%-([%w%-_]+)$")
  if not id then
    return nil
  end
  local path = "charts/" .. id .. ".png"
  local file = io.open(path, "rb")
  if not file then
    error("chart image missing: " .. path)
  end
  pandoc.mediabag.insert(path, "image/png", file:read("a"))
  file:close()
  local alt = div.attributes["aria-label"] or ""
  local image = pandoc.Image({ pandoc.Str(alt) }, path, "", pandoc.Attr("", {}, { alt = alt }))
  return pandoc.Plain({ image })
end

-- "Figure 3: " with the number as a SEQ field (Word's own caption numbering).
local function figure_label()
  figures = figures + 1
  local field = '<w:fldSimple w:instr=" SEQ Figure \\* ARABIC "><w:r><w:t>'
    .. figures
    .. "</w:t></w:r></w:fldSimple>"
  return { pandoc.Str("Figure"), pandoc.Space(), pandoc.RawInline("openxml", field), pandoc.Str(":"), pandoc.Space() }
end

-- The chart's caption above the image, in one "Image Caption" paragraph.
local function chart_figure(figure)
  local caption = pandoc.Inlines(figure_label())
  for i, block in ipairs(figure.caption.long) do
    local words = pandoc.utils.blocks_to_inlines({ block })
    if i == 1 then
      caption:insert(pandoc.Strong(words))
    else
      caption:insert(pandoc.LineBreak())
      caption:extend(words)
    end
  end
  local blocks = pandoc.Blocks({ pandoc.Div({ pandoc.Para(caption) }, { ["custom-style"] = "Image Caption" }) })
  blocks:extend(figure.content)
  return blocks
end

local function word_blocks(html)
  html = html:gsub("<summary>.-</summary>", "")
  html = html:gsub('<p [^>]*class="chart%-description"[^>]*>.-</p>', "")
  local doc = pandoc.read(html, "html")
  return doc.blocks:walk({
    Figure = function(figure)
      if figure.classes:includes("chart") then
        return chart_figure(figure)
      end
    end,
    Div = function(div)
      if div.classes:includes("vega-chart") then
        return chart_image(div) or {}
      end
      if div.classes:includes("report-downloads") then
        return {}
      end
    end,
  })
end

local function raw_block(raw)
  if raw.format == "html" then
    if raw.text:match('class="report%-downloads"') then
      return {}
    end
    return word_blocks(raw.text)
  end
  if raw.format == "openxml" then
    return nil
  end
  return {}
end

-- ------------------------------------------------------------------ tables

local numbers = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "numbers.lua" }))

local function cell_text(cell)
  return pandoc.utils.stringify(cell.contents)
end

local function body_rows(tbl)
  local rows = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      table.insert(rows, row)
    end
  end
  return rows
end

-- Per column: the points its longest word needs and the points its longest text needs.
local function column_needs(tbl)
  local word, text = {}, {}
  local function measure(rows, bold)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        local content = cell_text(cell)
        text[i] = math.max(text[i] or 0, text_points(content, bold) + CELL_PADDING)
        for piece in content:gmatch("%S+") do
          word[i] = math.max(word[i] or 0, text_points(piece, bold) + CELL_PADDING)
        end
      end
    end
  end
  measure(tbl.head.rows, true)
  measure(body_rows(tbl), false)
  return word, text
end

-- The text size a table needs so that its columns' longest words fit the line side by side:
-- the cells' own 11 pt, or the largest of the smaller sizes (report/make_reference_docx.py's
-- "Table Text" styles) that fits.
local SMALLER = { 10, 9, 8, 7 }

local function text_size(tbl)
  local word = column_needs(tbl)
  local text, padding = 0, CELL_PADDING * #tbl.colspecs
  for i = 1, #tbl.colspecs do
    text = text + (word[i] or CELL_PADDING) - CELL_PADDING
  end
  if text + padding <= TEXT_WIDTH then
    return FONT_SIZE
  end
  for _, size in ipairs(SMALLER) do
    if text * size / FONT_SIZE + padding <= TEXT_WIDTH then
      return size
    end
  end
  return SMALLER[#SMALLER]
end

-- Widths from the content: every column gets its longest text when the table fits the
-- page that way; otherwise each gets its longest word and the rest of the line is shared
-- in proportion to how much more each column's text would take.
local function content_widths(tbl, size)
  local word, text = column_needs(tbl)
  local n = #tbl.colspecs
  for i = 1, n do -- at the table's text size
    word[i] = word[i] and (word[i] - CELL_PADDING) * size / FONT_SIZE + CELL_PADDING
    text[i] = text[i] and (text[i] - CELL_PADDING) * size / FONT_SIZE + CELL_PADDING
  end
  local natural, least, extra_total = 0, 0, 0
  for i = 1, n do
    word[i], text[i] = word[i] or CELL_PADDING, math.max(text[i] or CELL_PADDING, word[i] or 0)
    natural, least = natural + text[i], least + word[i]
    extra_total = extra_total + (text[i] - word[i])
  end
  local widths = {}
  if natural <= TEXT_WIDTH then
    for i = 1, n do
      widths[i] = text[i]
    end
  else
    local spare = math.max(0, TEXT_WIDTH - least)
    for i = 1, n do
      local share = extra_total > 0 and spare * (text[i] - word[i]) / extra_total or spare / n
      widths[i] = word[i] + share
    end
  end
  local total = 0
  for i = 1, n do
    total = total + widths[i]
  end
  local scale = math.max(total, TEXT_WIDTH) -- a table wider than the page is shrunk to it
  for i = 1, n do
    widths[i] = widths[i] / scale
  end
  return widths
end

-- Every cell's text in the "Table Text <size>" paragraph style.
local function set_text_size(tbl, size)
  local style = { ["custom-style"] = "Table Text " .. size }
  local function restyle(rows)
    for _, row in ipairs(rows) do
      for _, cell in ipairs(row.cells) do
        local blocks = pandoc.Blocks(cell.contents):walk({
          Plain = function(plain) -- pandoc gives a cell's Plain text its own "Compact" style
            return pandoc.Para(plain.content)
          end,
        })
        cell.contents = { pandoc.Div(blocks, style) }
      end
    end
  end
  restyle(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    restyle(body.body)
  end
end

local function lay_out_table(tbl)
  local right = numbers.numeric_columns(tbl, cell_text)
  local size = text_size(tbl)
  local widths = content_widths(tbl, size)
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { right[i] and pandoc.AlignRight or spec[1], widths[i] }
  end
  if size < FONT_SIZE then
    set_text_size(tbl, size)
  end
  return tbl
end

-- ------------------------------------------------------------------ cover and contents

local function openxml(text)
  return pandoc.RawBlock("openxml", text)
end

local function styled(style, inlines)
  return pandoc.Div({ pandoc.Para(inlines) }, { ["custom-style"] = style })
end

local function inlines_of(value)
  if value == nil then
    return nil
  end
  if type(value) == "string" then
    return pandoc.Inlines({ pandoc.Str(value) })
  end
  return pandoc.utils.type(value) == "Blocks" and pandoc.utils.blocks_to_inlines(value) or pandoc.Inlines(value)
end

local MONTHS = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December" }

-- The date of publication as the PDF shows it: Quarto hands a date over as 2017-09-28.
local function long_date(value)
  local text = value and pandoc.utils.stringify(value) or ""
  local year, month, day = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if year then
    return tonumber(day) .. " " .. MONTHS[tonumber(month)] .. " " .. year
  end
  return value
end

local function cover(meta)
  local blocks = pandoc.Blocks({})
  local function add(style, value, prefix)
    local inlines = inlines_of(value)
    if inlines then
      if prefix then
        inlines:insert(1, pandoc.Space())
        inlines:insert(1, pandoc.Str(prefix))
      end
      blocks:insert(styled(style, inlines))
    end
  end
  add("Subtitle", meta.subtitle)
  add("Title", meta.title)
  add("Cover Details", meta.period)
  add("Cover Details", long_date(meta.date), "Published")
  if meta["draft-notice"] then -- the report's text still holds placeholder prose
    blocks:insert(styled("Cover Details", { pandoc.Strong(inlines_of(meta["draft-notice"])) }))
  end
  local messages = meta["key-messages"]
  if messages and #messages > 0 then
    blocks:insert(styled("Cover Heading", { pandoc.Str("Key"), pandoc.Space(), pandoc.Str("messages") }))
    local items = {}
    for _, message in ipairs(messages) do
      table.insert(items, { pandoc.Plain(inlines_of(message)) })
    end
    blocks:insert(pandoc.BulletList(items))
  end
  return blocks
end

-- The contents on a page of its own: a TOC field over headings 1 and 2, its entries filled
-- in by pipeline/publish/word.py (Word shows a field's last result without updating it).
local CONTENTS = [[<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:pPr><w:pStyle w:val="TOCHeading"/><w:pageBreakBefore/></w:pPr><w:r><w:t>Contents</w:t></w:r></w:p><w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>]]

-- ------------------------------------------------------------------ the document

-- A paragraph of bold text only: a label of what follows (a service area above its table).
local function label(block)
  return block.t == "Para" and #block.content == 1 and block.content[1].t == "Strong"
end

local function body_blocks(doc)
  local kept, skipping, level = pandoc.Blocks({}), false, 1
  local key_messages_on_cover = doc.meta["key-messages"] ~= nil
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" then
      level = block.level
      if block.level == 1 then
        skipping = key_messages_on_cover and block.identifier == "key-messages"
      end
    end
    if not skipping then
      if label(block) then
        kept:insert(pandoc.Header(math.min(math.max(level + 1, 3), 6), block.content[1].content))
      else
        kept:insert(block)
      end
    end
  end
  return kept
end

function Pandoc(doc)
  doc = doc:walk({ RawBlock = raw_block })
  doc = doc:walk({ Table = lay_out_table })
  local blocks = cover(doc.meta)
  blocks:insert(openxml(CONTENTS))
  blocks:extend(body_blocks(doc))
  doc.blocks = blocks
  -- the cover replaces pandoc's title block; pipeline/publish/word.py sets the document properties
  for _, key in ipairs({ "title", "subtitle", "date", "period", "key-messages", "draft-notice" }) do
    doc.meta[key] = nil
  end
  return doc
end
