// Officer upload (经办人员上传): one request per file with a progress bar and
// the ingest report; without JavaScript the form posts all files at once.
(function () {
  var form = document.getElementById('upload-form');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var input = document.getElementById('upload-files');
  var list = document.getElementById('upload-progress');
  var csrf = form.querySelector('input[name=csrf_token]').value;
  var STATUS = {added: '已导入（草稿）', unchanged: '未变化', failed: '失败'};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showReport(li, r) {
    li.appendChild(el('div', r.status === 'failed' ? 'notice bad' : 'ok',
      STATUS[r.status] || r.status));
    if (r.error) li.appendChild(el('div', 'notice bad', r.error));
    if (r.status !== 'failed') {
      li.appendChild(el('div', 'small', '文件 ' + r.documents + ' 个 · 条款 ' + r.clauses + ' 条 · 要素 ' + r.facts + ' 项'));
    }
    (r.warnings || []).forEach(function (w) { li.appendChild(el('div', 'small warn', w)); });
    (r.document_ids || []).forEach(function (id) {
      var a = el('a', 'doc-link', '核对文件 ' + id);
      a.href = '/officer/documents/' + id;
      li.appendChild(a);
      li.appendChild(document.createTextNode(' '));
    });
  }

  function send(file, li, done) {
    var bar = el('progress');
    bar.max = 100; bar.value = 0;
    var label = el('span', 'small', ' 上传中…');
    li.appendChild(bar); li.appendChild(label);
    var fd = new FormData();
    fd.append('files', file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/officer/documents');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
    };
    xhr.upload.onload = function () { bar.value = 100; label.textContent = ' 正在导入与提取…'; };
    xhr.onload = function () {
      label.textContent = '';
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (body && body.files && body.files.length) showReport(li, body.files[0]);
      else li.appendChild(el('div', 'notice bad', (body && body.detail) || ('上传失败（HTTP ' + xhr.status + '）')));
      done();
    };
    xhr.onerror = function () { li.appendChild(el('div', 'notice bad', '网络错误，上传失败')); done(); };
    xhr.send(fd);
  }

  form.addEventListener('submit', function (ev) {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) return;
    ev.preventDefault();
    list.innerHTML = '';
    var i = 0;
    (function next() {
      if (i >= files.length) return;
      var f = files[i++];
      var li = el('li', 'upload-item');
      li.appendChild(el('strong', '', f.name + ' '));
      list.appendChild(li);
      send(f, li, next);
    })();
  });
})();
