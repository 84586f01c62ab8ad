-- PDF (Typst): a paragraph that is only bold text labels what follows it (for example the
-- service area above its table), and one ending with a colon introduces it: either is kept
-- on the same page as the next block. When the
-- document has key messages, the cover shows them (report/typst/typst-template.typ): the
-- body's own "Key messages" section, which opens the HTML page, is left out of the PDF so
-- that a reader does not meet the same sentences again two pages later.
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
