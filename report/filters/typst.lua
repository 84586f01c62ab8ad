-- PDF (Typst): a paragraph that is only bold text labels what follows it (for example the
-- service area above its table), and one ending with a colon introduces it: either is kept
-- on the same page as the next block. A table with long text in its cells, or with more
-- columns than the line holds, gets column widths of its own: each column at least as wide
-- as its longest word, and the rest of the line shared in proportion to how much more each
-- column's longest text would take, twice that for a column of sentences (Typst's automatic
-- widths leave a column of sentences only what the other columns do not take, and squeeze
-- a column below its longest word, which then runs into the next). A table whose longest
-- words do not fit the line side by side is set in smaller text. When the document has key messages, the cover shows
-- them (report/typst/typst-template.typ): the body's own "Key messages" section, which
-- opens the HTML page, is left out of the PDF so that a reader does not meet the same
-- sentences again two pages later.
if FORMAT ~= "typst" then
  return {}
end

local numbers = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "numbers.lua" }))

-- True when a paragraph leads in to what follows: only bold text (a label), or ending with
-- a colon ("Outcomes as a percentage of each year's complaints:").
local function leads_in(para)
  if #para.content == 1 and para.content[1].t == "Strong" then
    return true
  end
  local last = para.content[#para.content]
  local text = last and (last.t == "Str" or last.t == "RawInline") and last.text or ""
  return text:match(":$") ~= nil
end

function Para(para)
  if leads_in(para) then
    local inner = pandoc.write(pandoc.Pandoc({ pandoc.Plain(para.content) }), "typst")
    return pandoc.RawBlock("typst", "#block(sticky: true)[" .. inner:gsub("%s+$", "") .. "]")
  end
end

local LONG_CELL = 40 -- characters: a cell this long makes a table choose its column widths
local LINE = 470 -- points: the width of the page's text (A4, typst-template.typ margins)
local CHAR, BOLD_CHAR, INSET = 5.3, 5.9, 12 -- points: a character of 10.5 pt Arial on
-- average, of the bold header row; cell insets
local FONT_SIZE, SMALLEST = 10.5, 7 -- points: the text's size; the least a wide table gets

-- The text of inlines, including the raw Typst that keeps text literal (its escapes undone).
local function plain_text(inlines)
  local parts = {}
  pandoc.Span(inlines):walk({
    Str = function(s)
      table.insert(parts, s.text)
    end,
    Space = function()
      table.insert(parts, " ")
    end,
    RawInline = function(raw)
      table.insert(parts, (raw.text:gsub("\\(.)", "%1")))
    end,
  })
  return table.concat(parts)
end

-- For each column, the length of its longest text (characters) and the width of its
-- longest word (points of text, bold in the header row).
local function longest_texts(tbl)
  local longest, words = {}, {}
  local function measure(rows, char)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        local text = plain_text(pandoc.utils.blocks_to_inlines(cell.contents))
        longest[i] = math.max(longest[i] or 0, utf8.len(text) or #text)
        for word in text:gmatch("%S+") do
          words[i] = math.max(words[i] or 0, (utf8.len(word) or #word) * char)
        end
      end
    end
  end
  measure(tbl.head.rows, BOLD_CHAR)
  for _, body in ipairs(tbl.bodies) do
    measure(body.body, CHAR)
  end
  return longest, words
end

-- The share of the normal text size a table needs so that every column is as wide as its
-- longest word (1 when it fits the line as it is).
local function text_scale(tbl, words)
  local text, insets = 0, INSET * #tbl.colspecs
  for i = 1, #tbl.colspecs do
    text = text + (words[i] or 0)
  end
  if text + insets <= LINE then
    return 1
  end
  return math.max(SMALLEST / FONT_SIZE, (LINE - insets) / text)
end

local function column_widths(tbl, longest, words, scale)
  local least, extra = {}, {}
  local least_total, extra_total = 0, 0
  for i = 1, #tbl.colspecs do
    least[i] = (words[i] or 0) * scale + INSET
    extra[i] = math.max(0, math.min(longest[i] or 0, 70) * CHAR * scale + INSET - least[i])
    if (longest[i] or 0) > LONG_CELL then
      extra[i] = 2 * extra[i] -- a column of sentences needs the room more than one of names
    end
    least_total, extra_total = least_total + least[i], extra_total + extra[i]
  end
  local spare = math.max(0, LINE - least_total)
  local widths, total = {}, 0
  for i = 1, #tbl.colspecs do
    local share = extra_total > 0 and spare * extra[i] / extra_total or spare / #tbl.colspecs
    widths[i] = least[i] + share
    total = total + widths[i]
  end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], widths[i] / total }
  end
end

-- Columns whose body cells are all numbers (or symbols, at least one number) go right.
local function align_numbers(tbl)
  local right = numbers.numeric_columns(tbl, function(cell)
    return plain_text(pandoc.utils.blocks_to_inlines(cell.contents))
  end)
  local changed = false
  for i, spec in ipairs(tbl.colspecs) do
    if right[i] and spec[1] ~= pandoc.AlignRight then
      tbl.colspecs[i] = { pandoc.AlignRight, spec[2] }
      changed = true
    end
  end
  return changed
end

-- Numbers are right-aligned (by content, whatever the table). A table with long text, or
-- too many columns for the line, gets widths of its own; one
-- too wide for the line at the normal size is set smaller (down to 7 pt, then words may be
-- hyphenated) so that no word runs into the next column.
function Table(tbl)
  local longest, words = longest_texts(tbl)
  local long = false
  for i = 1, #tbl.colspecs do
    long = long or (longest[i] or 0) > LONG_CELL
  end
  local scale = text_scale(tbl, words)
  local aligned = align_numbers(tbl)
  if not long and scale == 1 then
    return aligned and tbl or nil
  end
  column_widths(tbl, longest, words, scale)
  if scale == 1 then
    return tbl
  end
  local size = string.format("%.1fpt", FONT_SIZE * scale)
  local squeezed = scale * FONT_SIZE <= SMALLEST and ", hyphenate: true" or ""
  return {
    pandoc.RawBlock("typst", "#[#set text(size: " .. size .. squeezed .. ")"),
    tbl,
    pandoc.RawBlock("typst", "]"),
  }
end

function Pandoc(doc)
  if not doc.meta["key-messages"] then
    return nil
  end
  local kept, skipping = pandoc.Blocks({}), false
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      skipping = block.identifier == "key-messages"
    end
    if not skipping then
      kept:insert(block)
    end
  end
  doc.blocks = kept
  return doc
end
