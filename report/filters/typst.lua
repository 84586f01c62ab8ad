-- PDF (Typst): a paragraph that is only bold text labels what follows it (for example the
-- service area above its table), so it is kept on the same page as the next block.
if FORMAT ~= "typst" then
  return {}
end

function Para(para)
  if #para.content == 1 and para.content[1].t == "Strong" then
    local inner = pandoc.write(pandoc.Pandoc({ pandoc.Plain(para.content) }), "typst")
    return pandoc.RawBlock("typst", "#block(sticky: true)[" .. inner:gsub("%s+$", "") .. "]")
  end
end
