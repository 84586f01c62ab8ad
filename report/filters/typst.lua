-- PDF (Typst): a paragraph that is only bold text labels what follows it (for example the
-- service area above its table), and one ending with a colon introduces it: either is kept
-- on the same page as the next block. A table with long text in its cells gets column
-- widths of its own: each column at least as wide as its longest word, and the rest of the
-- line shared in proportion to how much more each column's longest text would take, twice
-- that for a column of sentences (Typst's automatic widths leave a column of sentences only
-- what the other columns do not take). When the document has key messages, the cover shows
-- them (report/typst/typst-template.typ): the body's own "Key messages" section, which
-- opens the HTML page, is left out of the PDF so that a reader does not meet the same
-- sentences again two pages later.
if FORMAT ~= "typst" then
  return {}
end

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
local CHAR, INSET = 5.3, 12 -- points: a character of 10.5 pt Arial on average; cell insets

local function points(characters)
  return characters * CHAR + INSET
end

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

-- For each column, the length of its longest text and of its longest word.
local function longest_texts(tbl)
  local longest, words = {}, {}
  local function measure(rows)
    for _, row in ipairs(rows) do
      for i, cell in ipairs(row.cells) do
        local text = plain_text(pandoc.utils.blocks_to_inlines(cell.contents))
        longest[i] = math.max(longest[i] or 0, utf8.len(text) or #text)
        for word in text:gmatch("%S+") do
          words[i] = math.max(words[i] or 0, utf8.len(word) or #word)
        end
      end
    end
  end
  measure(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    measure(body.body)
  end
  return longest, words
end

function Table(tbl)
  local longest, words = longest_texts(tbl)
  local long, least, extra = false, {}, {}
  local least_total, extra_total = 0, 0
  for i = 1, #tbl.colspecs do
    long = long or (longest[i] or 0) > LONG_CELL
    least[i] = points(words[i] or 0)
    extra[i] = math.max(0, points(math.min(longest[i] or 0, 70)) - least[i])
    if (longest[i] or 0) > LONG_CELL then
      extra[i] = 2 * extra[i] -- a column of sentences needs the room more than one of names
    end
    least_total, extra_total = least_total + least[i], extra_total + extra[i]
  end
  if not long then
    return nil
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
  return tbl
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
